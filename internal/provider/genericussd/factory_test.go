package genericussd

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// with returns base with kv (pairs) set.
func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestFactory: each valid configuration loads as written; each invalid
// value is reported by its setting with a clear reason, and the token is
// never quoted.
func TestFactory(t *testing.T) {
	t.Parallel()
	tk := map[string]string{TokenEnv: token}
	cases := []struct {
		label   string
		vals    map[string]string
		serving bool
		want    *Config           // nil: off
		wantBad map[string]string // setting: part of its reason
	}{
		{label: "nothing set: off", vals: map[string]string{}, serving: true},
		{label: "defaults as given by the flags: off", vals: map[string]string{MethodEnv: "POST", InputEnv: "cumulative", AnswerEnv: "text"}, serving: true},
		{label: "settings without token", vals: map[string]string{PhoneEnv: "msisdn"}, serving: true,
			wantBad: map[string]string{TokenEnv: "required with " + PhoneEnv}},
		{label: "settings without token in a worker", vals: map[string]string{PhoneEnv: "msisdn"}},
		{label: "token only", vals: tk, want: &Config{Token: token, Methods: []string{"POST"}, Encoding: Form,
			SessionField: "sessionId", PhoneField: "phoneNumber", ServiceCodeField: "serviceCode", InputField: "text", Input: Cumulative, Answer: Text}},
		{label: "get query", vals: withToken(getQuery), want: &Config{Token: token, Methods: []string{"GET"}, Encoding: Query,
			SessionField: "sessionid", PhoneField: "msisdn", ServiceCodeField: "shortcode", InputField: "input", SequenceField: "seq", Input: Latest, Answer: Text}},
		{label: "post json", vals: withToken(postJSON), want: &Config{Token: token, Methods: []string{"POST"}, Encoding: JSON,
			SessionField: "session", PhoneField: "msisdn", ServiceCodeField: "code", InputField: "ussd", Input: USSDString, Answer: JSONAnswer,
			TextField: "message", EndField: "continueSession", EndValue: json.RawMessage("false"), ContinueValue: json.RawMessage("true")}},
		{label: "string flags", vals: with(tk, AnswerEnv, "JSON", EndValueEnv, "END", ContinueEnv, `"CON"`), want: &Config{Token: token, Methods: []string{"POST"}, Encoding: Form,
			SessionField: "sessionId", PhoneField: "phoneNumber", ServiceCodeField: "serviceCode", InputField: "text", Input: Cumulative, Answer: JSONAnswer,
			TextField: "message", EndField: "end", EndValue: json.RawMessage(`"END"`), ContinueValue: json.RawMessage(`"CON"`)}},
		{label: "token too short", vals: map[string]string{TokenEnv: "short"}, wantBad: map[string]string{TokenEnv: "at least 16"}},
		{label: "token not URL-safe", vals: map[string]string{TokenEnv: token + "&x=1"}, wantBad: map[string]string{TokenEnv: "in a URL"}},
		{label: "method PUT", vals: with(tk, MethodEnv, "PUT"), wantBad: map[string]string{MethodEnv: "want GET, POST or GET,POST"}},
		{label: "method twice", vals: with(tk, MethodEnv, "GET,get"), wantBad: map[string]string{MethodEnv: "want GET, POST or GET,POST"}},
		{label: "empty method in a list", vals: with(tk, MethodEnv, "GET,"), wantBad: map[string]string{MethodEnv: "want GET, POST or GET,POST"}},
		{label: "encoding xml", vals: with(tk, EncodingEnv, "xml"), wantBad: map[string]string{EncodingEnv: "want query, form or json"}},
		{label: "GET with a body encoding", vals: with(tk, MethodEnv, "GET", EncodingEnv, "json"), wantBad: map[string]string{EncodingEnv: "a GET carries no body"}},
		{label: "field name with a space", vals: with(tk, PhoneEnv, "phone number"), wantBad: map[string]string{PhoneEnv: "want a field name"}},
		{label: "field name too long", vals: with(tk, SessionEnv, strings.Repeat("s", 65)), wantBad: map[string]string{SessionEnv: "want a field name"}},
		{label: "field name with a bracket", vals: with(tk, InputFieldEnv, "ussd[text]"), wantBad: map[string]string{InputFieldEnv: "want a field name"}},
		{label: "sequence field name bad", vals: with(tk, SequenceEnv, "a/b"), wantBad: map[string]string{SequenceEnv: "want a field name"}},
		{label: "two fields one name", vals: with(tk, PhoneEnv, "sessionId"), wantBad: map[string]string{PhoneEnv: "the same name as " + SessionEnv}},
		{label: "token as a query field", vals: with(tk, EncodingEnv, "query", InputFieldEnv, "token"), wantBad: map[string]string{InputFieldEnv: "the route's token"}},
		{label: "token as a GET field", vals: with(tk, MethodEnv, "GET,POST", SessionEnv, "token"), wantBad: map[string]string{SessionEnv: "the route's token"}},
		{label: "input unknown", vals: with(tk, InputEnv, "all"), wantBad: map[string]string{InputEnv: "want latest, cumulative or ussd-string"}},
		{label: "latest without sequence", vals: with(tk, InputEnv, "latest"), wantBad: map[string]string{SequenceEnv: "required with " + InputEnv + "=latest"}},
		{label: "answer unknown", vals: with(tk, AnswerEnv, "xml"), wantBad: map[string]string{AnswerEnv: "want text or json"}},
		{label: "json setting with text answer", vals: with(tk, TextFieldEnv, "msg"), wantBad: map[string]string{TextFieldEnv: "only used with " + AnswerEnv + "=json"}},
		{label: "end value with text answer", vals: with(tk, EndValueEnv, "1"), wantBad: map[string]string{EndValueEnv: "only used with"}},
		{label: "same flag values", vals: with(tk, AnswerEnv, "json", EndValueEnv, "1", ContinueEnv, "1"), wantBad: map[string]string{ContinueEnv: "must differ from " + EndValueEnv}},
		{label: "same answer field names", vals: with(tk, AnswerEnv, "json", EndFieldEnv, "message"), wantBad: map[string]string{EndFieldEnv: "the same name as " + TextFieldEnv}},
		{label: "object flag", vals: with(tk, AnswerEnv, "json", EndValueEnv, `{"a":1}`), wantBad: map[string]string{EndValueEnv: "want a JSON value"}},
		{label: "null flag", vals: with(tk, AnswerEnv, "json", ContinueEnv, "null"), wantBad: map[string]string{ContinueEnv: "not null"}},
		{label: "broken quoted flag", vals: with(tk, AnswerEnv, "json", EndValueEnv, `"END`), wantBad: map[string]string{EndValueEnv: "want a JSON value"}},
		{label: "flag too long", vals: with(tk, AnswerEnv, "json", EndValueEnv, strings.Repeat("x", 65)), wantBad: map[string]string{EndValueEnv: "1 to 64 characters"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			bad := map[string]string{}
			p := Factory.Load(testEnv(c.vals, bad, c.serving))
			if len(bad) != len(c.wantBad) {
				t.Fatalf("bad = %v, want %v", bad, c.wantBad)
			}
			for env, want := range c.wantBad {
				if !strings.Contains(bad[env], want) {
					t.Fatalf("%s: %q, want it to say %q", env, bad[env], want)
				}
			}
			for env, m := range bad {
				if tok := c.vals[TokenEnv]; tok != "" && strings.Contains(m, tok) {
					t.Fatalf("%s quotes the token: %q", env, m)
				}
			}
			if c.wantBad != nil {
				return // a start-up that reports a bad value stops
			}
			got, on := ConfigOf(p)
			if (c.want != nil) != on {
				t.Fatalf("provider %v, want on=%v", p, c.want != nil)
			}
			if c.want != nil && !reflect.DeepEqual(got, *c.want) {
				t.Fatalf("config\n%+v, want\n%+v", got, *c.want)
			}
		})
	}
}

// TestFactoryProvider: a loaded provider mounts one route at Path, with
// the configured methods, the token check and the refusal form; it sends
// nothing and says at start-up how it reads requests.
func TestFactoryProvider(t *testing.T) {
	t.Parallel()
	bad := map[string]string{}
	p := Factory.Load(testEnv(withToken(with(getQuery, MethodEnv, "GET,POST")), bad, true))
	if p == nil || len(bad) != 0 {
		t.Fatalf("Load: %v %v", p, bad)
	}
	routes := p.Routes()
	if p.Name() != Provider || p.Sender() != nil || len(routes) != 1 {
		t.Fatalf("provider %s: sender %v, %d routes", p.Name(), p.Sender(), len(routes))
	}
	r := routes[0]
	if r.Path != Path || !reflect.DeepEqual(r.Methods, []string{"GET", "POST"}) || r.Auth == nil || r.Refuse == nil || r.Conversation == nil {
		t.Fatalf("route %+v", r)
	}
	n := p.Notices()
	if len(n) != 1 || n[0].Warn || !strings.Contains(n[0].Text, "GET,POST "+Path+" (form fields, latest input, text answer)") || strings.Contains(n[0].Text, token) {
		t.Fatalf("notices %+v", n)
	}
	if Factory.Name != Provider || len(Factory.Settings) != 14 {
		t.Fatalf("factory %s with %d settings", Factory.Name, len(Factory.Settings))
	}
	for _, s := range Factory.Settings {
		if !strings.HasPrefix(s.Env, prefix) || s.Usage == "" || s.Secret != (s.Env == TokenEnv) {
			t.Fatalf("setting %+v", s)
		}
	}
}
