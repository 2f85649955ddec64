package africastalking

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
)

// FuzzParseUSSD feeds arbitrary bodies to the parser: it must never panic,
// must refuse with a 4xx *channel.Error or return a well-formed Inbound.
func FuzzParseUSSD(f *testing.F) {
	seeds := []string{
		"sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B237670000001&networkCode=62401&text=",
		"sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B237670000001&networkCode=62401&text=1%2A1%2AJean%2ADupont",
		"sessionId=&serviceCode=&phoneNumber=&networkCode=&text=",
		"sessionId=a&serviceCode=b&phoneNumber=0670000001&networkCode=c&text=x",
		"text=%zz",
		"sessionId=a&sessionId=b&serviceCode=c&phoneNumber=%2B237670000001&networkCode=d&text=%C3%A9",
		"",
		"&&&==",
		"sessionId=a&serviceCode=b&phoneNumber=%2B237670000001&networkCode=c&text=%FF%FE",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseUSSD(body, now)
		if err != nil {
			e, ok := channel.AsError(err)
			if !ok || e.Status < 400 || e.Status > 499 || e.Reason == "" {
				t.Fatalf("error %v is not a 4xx channel.Error", err)
			}
			return
		}
		form, perr := url.ParseQuery(string(body))
		if perr != nil {
			t.Fatalf("accepted a body url.ParseQuery refuses: %v", perr)
		}
		if in.Session == "" || in.Session != form.Get("sessionId") || in.Text != form.Get("text") {
			t.Fatalf("fields not carried: %+v", in)
		}
		if !strings.HasPrefix(string(in.From), "+") || !in.Cumulative || len(in.Text) > MaxText {
			t.Fatalf("bad inbound %+v", in)
		}
	})
}
