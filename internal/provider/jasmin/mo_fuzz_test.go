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

// FuzzParseDLR feeds arbitrary receipt bodies and dlr-url queries to the
// receipt parser: it refuses with a 400 or returns a report filed under a
// usable id with a known state.
func FuzzParseDLR(f *testing.F) {
	for _, s := range [][2]string{
		{receipt("1", "ESME_ROK", "").Encode(), "mid=0a1b"},
		{receipt("2", "UNDELIV", "069").Encode(), "token=t&mid=0a1b"},
		{receipt("2", "DELIVRD", "000").Encode(), ""},
		{"id=a&message_status=ESME_RX&err=", "mid=a&mid=b"},
		{"", ""},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		q, _ := url.ParseQuery(query)
		r, err := ParseDLR(body, q, now)
		if err != nil {
			if e, ok := channel.AsError(err); !ok || e.Status != 400 || e.Reason == "" {
				t.Fatalf("error %v is not a 400 channel.Error", err)
			}
			return
		}
		if !channel.ValidID(r.Status.ID, MaxID) || !channel.ValidID(r.Status.ProviderID, MaxID) || r.Status.State == "" || r.Status.Provider != Provider {
			t.Fatalf("bad report %+v", r)
		}
	})
}
