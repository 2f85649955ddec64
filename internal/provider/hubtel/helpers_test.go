package hubtel

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// token is the test route token: no log line or error may carry it.
const token = "hubtel-token-0123456789abcdef"

// target is the route's URL with the token.
const target = Path + "?token=" + token

// testEnv reads settings from vals and collects bad values by setting.
func testEnv(vals map[string]string, bad map[string]string) provider.Env {
	return provider.Env{
		Get: func(env string) string { return vals[env] },
		Bad: func(env, format string, a ...any) { bad[env] = fmt.Sprintf(format, a...) },
	}
}

// newServer is the whole gateway with the Hubtel route on, as the
// Factory builds it from its token.
func newServer(tb testing.TB) *providertest.Server {
	tb.Helper()
	bad := map[string]string{}
	p := Factory.Load(testEnv(map[string]string{TokenEnv: token}, bad))
	if p == nil || len(bad) != 0 {
		tb.Fatalf("Load: %v, bad %v", p, bad)
	}
	return providertest.New(tb, p.Routes(), nil)
}

// hubtelReq is one request as Hubtel posts it; seq 0 leaves Sequence out.
func hubtelReq(typ, session, mobile string, seq int, message string) string {
	m := map[string]any{
		"Type": typ, "Mobile": mobile, "SessionId": session, "ServiceCode": "*713#",
		"Message": message, "Operator": "mtn", "ClientState": "", "Platform": "USSD",
	}
	if seq > 0 {
		m["Sequence"] = seq
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// decoded is an answer read back.
func decoded(tb testing.TB, body string) answer {
	tb.Helper()
	var a answer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		tb.Fatalf("answer %q: %v", body, err)
	}
	return a
}
