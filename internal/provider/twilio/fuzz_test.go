package twilio

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
)

// FuzzParseSMS feeds arbitrary bodies to the form parser and the inbound
// decoder: they must never panic, must refuse with a 4xx *channel.Error or
// return a well-formed Inbound carrying the form's fields.
func FuzzParseSMS(f *testing.F) {
	seeds := []string{
		inboundForm().Encode(),
		"MessageSid=SM1&From=%2B237670000001&Body=",
		"MessageSid=SM1&From=%2B237670000001&Body=1&Body=2",
		"MessageSid=SM1&From=0670000001&Body=x",
		"MessageSid=&From=&Body=",
		"Body=%zz",
		"Body=a;b",
		"",
		"&&&==",
		"MessageSid=SM1&From=%2B237670000001&Body=%FF%FE",
		"MessageSid=SM%201&From=%2B237670000001&Body=%C3%A7a+va",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		form, err := ParseForm(body)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		in, err := ParseSMS(form, now)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if in.ExternalID != form.Get("MessageSid") || in.Text != form.Get("Body") || !ValidID(in.ExternalID) {
			t.Fatalf("fields not carried: %+v", in)
		}
		if !strings.HasPrefix(string(in.From), "+") || !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > MaxBody {
			t.Fatalf("bad inbound %+v", in)
		}
		if _, err := url.ParseQuery(string(body)); err != nil {
			t.Fatalf("accepted a body url.ParseQuery refuses: %v", err)
		}
	})
}

// FuzzParseStatus feeds arbitrary bodies and mids to the status decoder.
func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("MessageSid=SM1&MessageStatus=delivered&To=%2B237670000001"), "m1")
	f.Add([]byte("MessageSid=SM1&MessageStatus=failed&ErrorCode=21610&To=%2B237670000001"), "")
	f.Add([]byte("MessageSid=SM1&MessageStatus=bogus"), "m1")
	f.Add([]byte("MessageStatus=sent"), "a b")
	f.Add([]byte(""), "")
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte, mid string) {
		form, err := ParseForm(body)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		r, err := ParseStatus(form, mid, now)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if !ValidID(r.Status.ID) || !ValidID(r.Status.ProviderID) || r.Status.State == "" {
			t.Fatalf("bad report %+v", r)
		}
		if r.OptedOut != (r.Status.Code == OptOutCode) {
			t.Fatalf("opt-out %v for code %q", r.OptedOut, r.Status.Code)
		}
	})
}

func checkRefusal(t *testing.T, err error) {
	t.Helper()
	e, ok := channel.AsError(err)
	if !ok || e.Status < 400 || e.Status > 499 || e.Reason == "" {
		t.Fatalf("error %v is not a 4xx channel.Error", err)
	}
}
