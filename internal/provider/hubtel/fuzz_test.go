package hubtel

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/internal/ussdwire"
)

// FuzzParseRequest feeds arbitrary bodies to the parser: it must never
// panic; it refuses with a 4xx *channel.Error, answers a session end
// directly, or returns a well-formed USSD hop.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		hubtelReq("Initiation", "s1", "233200585542", 1, "*713#"),
		hubtelReq("Response", "s1", "+237670000001", 2, "1"),
		hubtelReq("Response", "s1", "670000001", 3, "Jean*Dupont"),
		hubtelReq("Release", "s1", "+237670000001", 4, ""),
		hubtelReq("Timeout", "s1", "", 0, ""),
		`{"type":"response","MOBILE":"670000001","sessionid":"a","servicecode":"1","message":"é","sequence":"7"}`,
		`{"Type":"Response","Mobile":"670000001","Mobile":"670000002"}`,
		`{"Type":"Response","Sequence":1e3,"Message":null}`,
		`{"Type":"\u0052elease","SessionId":"x"}`,
		`[]`, `{}`, `{`, ``, `null`, `"x"`, `{"a":{"b":[1,2,{"c":"d"}]}}`,
		"{\"Message\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseRequest(body, now)
		var direct *provider.Direct
		switch {
		case errors.As(err, &direct):
			if direct.Response.Status != 0 || !strings.Contains(direct.Response.Body, `"Type":"Release"`) {
				t.Fatalf("session end answered %+v", direct.Response)
			}
			return
		case err != nil:
			if e, ok := channel.AsError(err); !ok || e.Status < 400 || e.Status > 499 || e.Reason == "" {
				t.Fatalf("error %v is not a 4xx channel.Error", err)
			}
			return
		}
		if in.Channel != msg.USSD || in.Provider != Provider || in.Cumulative || !strings.HasPrefix(string(in.From), "+") {
			t.Fatalf("bad inbound %+v", in)
		}
		if !channel.ValidID(in.Session, ussdwire.MaxSessionID) || !channel.ValidID(in.To, ussdwire.MaxServiceCode) || len(in.Text) > ussdwire.MaxInput {
			t.Fatalf("fields not checked: %+v", in)
		}
		if again, err := msg.ParseAddress(string(in.From)); err != nil || again != in.From {
			t.Fatalf("From %q is not E.164", in.From)
		}
		if in.Text != "" && in.Seq == "" {
			t.Fatalf("an answer without its hop number: %+v", in)
		}
	})
}
