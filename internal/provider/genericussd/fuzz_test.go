package genericussd

import (
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/internal/ussdwire"
)

// fuzzConfigs are the configurations the parser is fuzzed in.
func fuzzConfigs(tb testing.TB) []Config {
	tb.Helper()
	var out []Config
	for _, vals := range []map[string]string{getQuery, postJSON, defaults} {
		bad := map[string]string{}
		c, _ := ConfigOf(Factory.Load(testEnv(withToken(vals), bad, true)))
		if len(bad) != 0 {
			tb.Fatal(bad)
		}
		out = append(out, c)
	}
	return out
}

// FuzzParse feeds arbitrary queries and bodies to the parser in each
// worked configuration: it must never panic, must refuse with a 4xx
// *channel.Error or return a well-formed hop.
func FuzzParse(f *testing.F) {
	seeds := []struct {
		config      uint8
		query, body string
	}{
		{0, "sessionid=g1&msisdn=237670000001&shortcode=%2A415%23&input=&seq=1", ""},
		{0, "sessionid=g1&msisdn=670000001&shortcode=415&input=Awa+Moussa&seq=7", ""},
		{0, "sessionid=g1&sessionid=g2&msisdn=x&shortcode=&input=%FF&seq=", ""},
		{0, "%zz", ""},
		{1, "", `{"session":"j1","msisdn":"237670000001","code":"*415#","ussd":"*415*1*1#"}`},
		{1, "", `{"session":12,"msisdn":237670000001,"code":"415","ussd":"415*Douala"}`},
		{1, "", `{"session":"j1","msisdn":"670000001","code":"**415##","ussd":"**415##"}`},
		{1, "", `{"session":"j1","session":"j2"}`},
		{1, "", `{"session":"j1","msisdn":"237670000001","code":"*415#","ussd":"*416#"}`},
		{1, "", `[1,{"a":null}]`},
		{2, "", "sessionId=d1&phoneNumber=%2B237670000001&serviceCode=%2A415%23&text=1%2A1"},
		{2, "", "sessionId=d1&text=1&text=2"},
		{2, "", "&&=="},
	}
	for _, s := range seeds {
		f.Add(s.config, s.query, []byte(s.body))
	}
	configs := fuzzConfigs(f)
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, which uint8, query string, body []byte) {
		c := configs[int(which)%len(configs)]
		in, err := c.Parse(provider.Request{Method: c.Methods[0], RawQuery: query, Body: body, Now: now})
		if err != nil {
			if e, ok := channel.AsError(err); !ok || e.Status < 400 || e.Status > 499 || e.Reason == "" {
				t.Fatalf("error %v is not a 4xx channel.Error", err)
			}
			return
		}
		if in.Channel != msg.USSD || in.Provider != Provider || !strings.HasPrefix(string(in.From), "+") {
			t.Fatalf("bad inbound %+v", in)
		}
		if !channel.ValidID(in.Session, ussdwire.MaxSessionID) || !channel.ValidID(in.To, ussdwire.MaxServiceCode) || len(in.Text) > ussdwire.MaxInput {
			t.Fatalf("fields not checked: %+v", in)
		}
		if in.Cumulative == (c.Input == Latest) || (in.Seq == "") != (c.SequenceField == "") {
			t.Fatalf("input mode %s gave %+v", c.Input, in)
		}
		if c.Input == USSDString {
			// The text read back into a USSD string strips to itself.
			s := "*" + bare(in.To) + "#"
			if in.Text != "" {
				s = "*" + bare(in.To) + "*" + in.Text + "#"
			}
			if again, ok := StripServiceCode(s, in.To); !ok || again != in.Text {
				t.Fatalf("%q strips to %q, %v; want %q", s, again, ok, in.Text)
			}
		}
	})
}
