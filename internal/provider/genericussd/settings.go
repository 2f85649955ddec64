package genericussd

import "github.com/passerelle/passerelle/internal/provider"

// The settings, all prefixed PASSERELLE_GENERIC_USSD_.
const (
	prefix          = "PASSERELLE_GENERIC_USSD_"
	TokenEnv        = prefix + "TOKEN"
	MethodEnv       = prefix + "METHOD"
	EncodingEnv     = prefix + "ENCODING"
	SessionEnv      = prefix + "SESSION_FIELD"
	PhoneEnv        = prefix + "PHONE_FIELD"
	ServiceCodeEnv  = prefix + "SERVICE_CODE_FIELD"
	InputFieldEnv   = prefix + "INPUT_FIELD"
	SequenceEnv     = prefix + "SEQUENCE_FIELD"
	InputEnv        = prefix + "INPUT"
	AnswerEnv       = prefix + "ANSWER"
	TextFieldEnv    = prefix + "ANSWER_TEXT_FIELD"
	EndFieldEnv     = prefix + "ANSWER_END_FIELD"
	EndValueEnv     = prefix + "ANSWER_END_VALUE"
	ContinueEnv     = prefix + "ANSWER_CONTINUE_VALUE"
	usageFieldNames = " (1 to 64 letters, digits or _.-)"
)

// Factory builds the generic USSD route, /ussd/generic, on only once its
// token is set.
var Factory = provider.Factory{Name: Provider, Settings: settings, Load: load}

// settings are the route's settings, in the README's order.
var settings = []provider.Setting{
	{Env: TokenEnv, Flag: "generic-ussd-token", Secret: true, Usage: "token the generic USSD route's URL carries as ?token= (at least 16 characters); empty turns " + Path + " off"},
	{Env: MethodEnv, Flag: "generic-ussd-method", Default: "POST", Usage: "HTTP method(s) the aggregator calls " + Path + " with: GET, POST or GET,POST"},
	{Env: EncodingEnv, Flag: "generic-ussd-encoding", Usage: "where a POST carries its fields: query, form or json (a GET always uses its query); empty: form, or query when the method is GET only"},
	{Env: SessionEnv, Flag: "generic-ussd-session-field", Default: "sessionId", Usage: "name of the session id field" + usageFieldNames},
	{Env: PhoneEnv, Flag: "generic-ussd-phone-field", Default: "phoneNumber", Usage: "name of the caller's phone number field" + usageFieldNames},
	{Env: ServiceCodeEnv, Flag: "generic-ussd-service-code-field", Default: "serviceCode", Usage: "name of the dialled service code field" + usageFieldNames},
	{Env: InputFieldEnv, Flag: "generic-ussd-input-field", Default: "text", Usage: "name of the input field (present on every request, empty on the dial in latest and cumulative modes)" + usageFieldNames},
	{Env: SequenceEnv, Flag: "generic-ussd-sequence-field", Usage: "name of a field that changes every hop and stays the same on a retry (a hop number or a per-hop id); required with input latest" + usageFieldNames},
	{Env: InputEnv, Flag: "generic-ussd-input", Default: "cumulative", Usage: "how the input field is written: latest (the latest answer only), cumulative (every answer joined by *) or ussd-string (*415*33*1#, with the service code)"},
	{Env: AnswerEnv, Flag: "generic-ussd-answer", Default: "text", Usage: "how the answer is written: text (CON …/END …) or json"},
	{Env: TextFieldEnv, Flag: "generic-ussd-answer-text-field", Default: "message", Usage: "with answer json: name of the screen's field" + usageFieldNames},
	{Env: EndFieldEnv, Flag: "generic-ussd-answer-end-field", Default: "end", Usage: "with answer json: name of the end flag's field" + usageFieldNames},
	{Env: EndValueEnv, Flag: "generic-ussd-answer-end-value", Default: "true", Usage: "with answer json: the end flag's value when the session ends, as a JSON value (true, 1, \"END\"); a bare word is a string"},
	{Env: ContinueEnv, Flag: "generic-ussd-answer-continue-value", Default: "false", Usage: "with answer json: the end flag's value when the session goes on, as a JSON value (false, 0, \"CON\"); a bare word is a string"},
}

// get returns env's value, or its default when it is not set.
func get(e provider.Env, env string) string {
	if v := e.Get(env); v != "" {
		return v
	}
	return defaultOf(env)
}

// defaultOf is env's default.
func defaultOf(env string) string {
	for _, s := range settings {
		if s.Env == env {
			return s.Default
		}
	}
	return ""
}
