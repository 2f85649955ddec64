package genericussd

import (
	"fmt"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// token is the test route token: no log line or error may carry it.
const token = "generic-token-0123456789abcdef"

// The README's worked configurations (the token aside), and the defaults.
var (
	// getQuery is an aggregator calling GET with query fields, sending
	// the latest answer with a hop number, answered CON/END text.
	getQuery = map[string]string{
		MethodEnv: "GET", SessionEnv: "sessionid", PhoneEnv: "msisdn", ServiceCodeEnv: "shortcode",
		InputFieldEnv: "input", SequenceEnv: "seq", InputEnv: "latest",
	}
	// postJSON is an aggregator posting JSON with the whole USSD string,
	// answered JSON whose flag says whether the session goes on.
	postJSON = map[string]string{
		EncodingEnv: "json", SessionEnv: "session", PhoneEnv: "msisdn", ServiceCodeEnv: "code",
		InputFieldEnv: "ussd", InputEnv: "ussd-string", AnswerEnv: "json", TextFieldEnv: "message",
		EndFieldEnv: "continueSession", EndValueEnv: "false", ContinueEnv: "true",
	}
	// defaults are the defaults: POST form, cumulative text, CON/END.
	defaults = map[string]string{}
)

// testEnv reads settings from vals (and the token unless vals names it)
// and collects bad values by setting.
func testEnv(vals map[string]string, bad map[string]string, serving bool) provider.Env {
	return provider.Env{
		Get: func(env string) string { return vals[env] },
		Bad: func(env, format string, a ...any) {
			if _, dup := bad[env]; !dup {
				bad[env] = fmt.Sprintf(format, a...)
			}
		},
		Serving: serving,
	}
}

// withToken returns vals with the test token.
func withToken(vals map[string]string) map[string]string {
	out := map[string]string{TokenEnv: token}
	for k, v := range vals {
		out[k] = v
	}
	return out
}

// newServer is the whole gateway with the generic route on, as the
// Factory builds it from vals and the token.
func newServer(tb testing.TB, vals map[string]string) *providertest.Server {
	tb.Helper()
	bad := map[string]string{}
	p := Factory.Load(testEnv(withToken(vals), bad, true))
	if p == nil || len(bad) != 0 {
		tb.Fatalf("Load: %v, bad %v", p, bad)
	}
	return providertest.New(tb, p.Routes(), nil)
}
