package kannel

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// FuzzParseMO feeds arbitrary query strings to the inbound parser: it must
// never panic, must refuse with a 4xx *channel.Error, or return a
// well-formed Inbound carrying the query's id and a valid text.
func FuzzParseMO(f *testing.F) {
	for _, s := range []string{
		moQuery("2b7e1516-28ae-4d2a-a6f7-15880951cf4f", "237670000001", "Bonjour").Encode(),
		ucs2Query("id-2", "+237670000001", []byte("\x00\xc7\x00a")).Encode(),
		"id=a&from=237670000001&to=1&text=%92&coding=0&charset=WINDOWS-1252",
		"id=a&from=237670000001&to=1&text=%E9&charset=ISO-8859-1",
		"id=a&id=b&from=1&to=1&text=x",
		"id=&from=&to=&text=",
		"text=%zz",
		"",
	} {
		f.Add(s)
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, query string) {
		in, err := ParseMO(query, now)
		if err != nil {
			e, ok := channel.AsError(err)
			if !ok || e.Status < 400 || e.Status > 499 || e.Reason == "" {
				t.Fatalf("error %v is not a 4xx channel.Error", err)
			}
			return
		}
		q, perr := url.ParseQuery(query)
		if perr != nil {
			t.Fatalf("accepted a query url.ParseQuery refuses: %v", perr)
		}
		if in.ExternalID != q.Get("id") || in.To != q.Get("to") || in.Channel != msg.SMS || !in.ReplyOutOfBand || in.Provider != Provider {
			t.Fatalf("fields not carried: %+v", in)
		}
		if !strings.HasPrefix(string(in.From), "+") || !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > MaxText {
			t.Fatalf("bad inbound %+v", in)
		}
	})
}

// FuzzParseDLR feeds arbitrary dlr-url queries to the report parser: it
// refuses with a 400 or returns a report filed under our usable id with a
// known state.
func FuzzParseDLR(f *testing.F) {
	for _, s := range []string{"token=t&mid=0a1b&type=1", "mid=0a1b&type=16", "mid=a&type=%25d", "mid=a&mid=b&type=1", ""} {
		f.Add(s)
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, query string) {
		r, err := ParseDLR(query, now)
		if err != nil {
			if e, ok := channel.AsError(err); !ok || e.Status != 400 || e.Reason == "" {
				t.Fatalf("error %v is not a 400 channel.Error", err)
			}
			return
		}
		if _, ok := dlrStates[r.Status.Code]; (r.Status.Code != "") != ok || r.Status.State == "" || r.Status.ID == "" || r.Status.Provider != Provider {
			t.Fatalf("bad report %+v", r)
		}
	})
}
