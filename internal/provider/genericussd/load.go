package genericussd

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/passerelle/passerelle/internal/provider"
)

// fieldName is a field name a setting may give.
var fieldName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// maxFlag bounds an end-flag value, in bytes.
const maxFlag = 64

// load reads and checks the settings: nil when the token is not set (the
// route is off).
func load(e provider.Env) provider.Provider {
	c := Config{Token: provider.LoadToken(e, TokenEnv)}
	if c.Token == "" {
		if e.Serving {
			if env := firstChanged(e); env != "" {
				e.Bad(TokenEnv, "required with %s: the generic USSD route is off until its token is set", env)
			}
		}
		return nil
	}
	c.Methods = loadMethods(e)
	c.Encoding = loadEncoding(e, c.Methods)
	c.SessionField, c.PhoneField = loadField(e, SessionEnv), loadField(e, PhoneEnv)
	c.ServiceCodeField, c.InputField = loadField(e, ServiceCodeEnv), loadField(e, InputFieldEnv)
	if e.Get(SequenceEnv) != "" {
		c.SequenceField = loadField(e, SequenceEnv)
	}
	c.Input = loadInput(e, c.SequenceField)
	c.Answer = loadAnswer(e)
	checkDistinct(e, c.inQuery(), []string{SessionEnv, PhoneEnv, ServiceCodeEnv, InputFieldEnv, SequenceEnv},
		[]string{c.SessionField, c.PhoneField, c.ServiceCodeField, c.InputField, c.SequenceField})
	if c.Answer == JSONAnswer {
		c.TextField, c.EndField = loadField(e, TextFieldEnv), loadField(e, EndFieldEnv)
		checkDistinct(e, false, []string{TextFieldEnv, EndFieldEnv}, []string{c.TextField, c.EndField})
		c.EndValue, c.ContinueValue = loadFlag(e, EndValueEnv), loadFlag(e, ContinueEnv)
		if c.EndValue != nil && string(c.EndValue) == string(c.ContinueValue) {
			e.Bad(ContinueEnv, "must differ from %s, or the end of a session cannot be told", EndValueEnv)
		}
	} else {
		for _, env := range []string{TextFieldEnv, EndFieldEnv, EndValueEnv, ContinueEnv} {
			if e.Get(env) != "" && e.Get(env) != defaultOf(env) {
				e.Bad(env, "only used with %s=json", AnswerEnv)
			}
		}
	}
	return &genericProvider{cfg: c}
}

// firstChanged names the first setting given another value than its
// default, or "".
func firstChanged(e provider.Env) string {
	for _, s := range settings {
		if v := e.Get(s.Env); v != "" && v != s.Default {
			return s.Env
		}
	}
	return ""
}

// loadMethods reads GET, POST or GET,POST (any case, any order).
func loadMethods(e provider.Env) []string {
	var out []string
	for _, m := range strings.Split(get(e, MethodEnv), ",") {
		m = strings.ToUpper(strings.TrimSpace(m))
		if (m != "GET" && m != "POST") || contains(out, m) {
			e.Bad(MethodEnv, "want GET, POST or GET,POST")
			return []string{"POST"}
		}
		out = append(out, m)
	}
	return out
}

// loadEncoding reads where a POST carries its fields; with GET only, the
// fields can only be in the query.
func loadEncoding(e provider.Env, methods []string) Encoding {
	v := Encoding(strings.ToLower(e.Get(EncodingEnv)))
	getOnly := len(methods) == 1 && methods[0] == "GET"
	switch {
	case v == "" && getOnly:
		return Query
	case v == "":
		return Form
	case v != Query && v != Form && v != JSON:
		e.Bad(EncodingEnv, "want query, form or json")
		return Form
	case getOnly && v != Query:
		e.Bad(EncodingEnv, "a GET carries no body: with %s=GET want query", MethodEnv)
	}
	return v
}

// loadField reads a field name setting.
func loadField(e provider.Env, env string) string {
	v := get(e, env)
	if !fieldName.MatchString(v) {
		e.Bad(env, "want a field name of 1 to 64 letters, digits or _.-")
	}
	return v
}

// loadInput reads the input mode; latest needs the sequence field.
func loadInput(e provider.Env, sequence string) InputMode {
	v := InputMode(strings.ToLower(get(e, InputEnv)))
	switch v {
	case Latest:
		if sequence == "" {
			e.Bad(SequenceEnv, "required with %s=latest: without a hop number the same answer given twice looks like a retry and is not taken", InputEnv)
		}
	case Cumulative, USSDString:
	default:
		e.Bad(InputEnv, "want latest, cumulative or ussd-string")
	}
	return v
}

// loadAnswer reads the answer format.
func loadAnswer(e provider.Env) AnswerFormat {
	v := AnswerFormat(strings.ToLower(get(e, AnswerEnv)))
	if v != Text && v != JSONAnswer {
		e.Bad(AnswerEnv, "want text or json")
		return Text
	}
	return v
}

// loadFlag reads an end-flag value: a JSON scalar as written (true, 0,
// "END"), or a bare word as a string.
func loadFlag(e provider.Env, env string) json.RawMessage {
	v := get(e, env)
	if v == "" || len(v) > maxFlag {
		e.Bad(env, "want a value of 1 to %d characters", maxFlag)
		return nil
	}
	if json.Valid([]byte(v)) && v[0] != '{' && v[0] != '[' {
		if v == "null" {
			e.Bad(env, "want true, false, a number or a string, not null")
		}
		return json.RawMessage(v)
	}
	if strings.ContainsAny(v, "{}[]\"") {
		e.Bad(env, "want a JSON value (true, 1, \"END\") or a bare word")
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// checkDistinct reports a field name used twice, and "token" among names
// read from the query (it is the route's token).
func checkDistinct(e provider.Env, inQuery bool, envs, names []string) {
	seen := map[string]string{}
	for i, n := range names {
		if n == "" {
			continue
		}
		if inQuery && n == "token" {
			e.Bad(envs[i], "token is the route's token in the query: choose another name")
		}
		if other, dup := seen[n]; dup {
			e.Bad(envs[i], "the same name as %s", other)
		}
		seen[n] = envs[i]
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
