package jasmin

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// FuzzParseMO feeds arbitrary bodies to the inbound parser: it must never
// panic, must refuse with a 4xx *channel.Error, or return a well-formed
// Inbound carrying the form's id and a valid text.
func FuzzParseMO(f *testing.F) {
	for _, s := range []string{
		moForm("16fd2706-8baf-433b-82eb-8c7fada847da", "237670000001", "Bonjour").Encode(),
		ucs2Form("id-2", "+237670000001", []byte("\x00\xc7\x00a")).Encode(),
		moForm("id-3", "237670000001", "\x1b\x65\x1b").Encode(),
		"id=a&from=237670000001&to=1&content=%E9&coding=0",
		"id=a&from=237670000001&to=1&content=ab&binary=6162&coding=240",
		"id=a&id=b&from=1&to=1&content=x",
		"id=&from=&to=&content=",
		"content=%zz",
		"",
	} {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseMO(body, now)
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
		if in.ExternalID != form.Get("id") || in.To != form.Get("to") || in.Channel != msg.SMS || !in.ReplyOutOfBand || in.Provider != Provider {
			t.Fatalf("fields not carried: %+v", in)
		}
		if !strings.HasPrefix(string(in.From), "+") || !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > MaxText {
			t.Fatalf("bad inbound %+v", in)
		}
	})
}
