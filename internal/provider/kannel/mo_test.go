package kannel

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// moQuery is an inbound message as the sms-service get-url of the README
// writes it (token aside).
func moQuery(id, from, text string) url.Values {
	return url.Values{"id": {id}, "from": {from}, "to": {"8123"}, "text": {text}, "coding": {"0"}, "charset": {"UTF-8"}}
}

// ucs2Query is moQuery for a message Kannel kept in UCS-2.
func ucs2Query(id, from string, utf16 []byte) url.Values {
	q := moQuery(id, from, string(utf16))
	q.Set("coding", "2")
	q.Set("charset", "UTF-16BE")
	return q
}

func TestParseMO(t *testing.T) {
	t.Parallel()
	const id = "2b7e1516-28ae-4d2a-a6f7-15880951cf4f"
	base := func() url.Values { return moQuery(id, "237670000001", "Bonjour") }
	with := func(k, v string) string { q := base(); q.Set(k, v); return q.Encode() }
	without := func(k string) string { q := base(); q.Del(k); return q.Encode() }
	cases := []struct {
		label      string
		query      string
		wantText   string
		wantStatus int // 0: accepted
		wantReason string
	}{
		{label: "full query", query: base().Encode(), wantText: "Bonjour"},
		{label: "token and other parameters ignored", query: base().Encode() + "&token=x&ts=2026-11-02+09:00:00", wantText: "Bonjour"},
		{label: "no coding or charset", query: url.Values{"id": {id}, "from": {"237670000001"}, "to": {"8123"}, "text": {"Bonjour"}}.Encode(), wantText: "Bonjour"},
		{label: "empty text", query: with("text", ""), wantText: ""},
		{label: "accents", query: with("text", "Café à Yaoundé"), wantText: "Café à Yaoundé"},
		{label: "plus sign and spaces kept", query: with("text", "1 + 1  =2"), wantText: "1 + 1  =2"},
		{label: "ucs-2", query: ucs2Query(id, "237670000001", []byte("\x00\xc7\x00a\x00 \x00v\x00a")).Encode(), wantText: "Ça va"},
		{label: "missing id", query: without("id"), wantStatus: 400, wantReason: "missing field: id"},
		{label: "missing from", query: without("from"), wantStatus: 400, wantReason: "missing field: from"},
		{label: "missing to", query: without("to"), wantStatus: 400, wantReason: "missing field: to"},
		{label: "missing text", query: without("text"), wantStatus: 400, wantReason: "missing field: text"},
		{label: "empty query", query: "", wantStatus: 400, wantReason: "missing field: id, from, to, text"},
		{label: "malformed", query: "id=%zz", wantStatus: 400, wantReason: "malformed"},
		{label: "repeated id", query: base().Encode() + "&id=other", wantStatus: 400, wantReason: "repeated field: id"},
		{label: "repeated text", query: base().Encode() + "&text=x", wantStatus: 400, wantReason: "repeated field: text"},
		{label: "repeated charset", query: base().Encode() + "&charset=UTF-16BE", wantStatus: 400, wantReason: "repeated field: charset"},
		{label: "bad number", query: with("from", "0670000001"), wantStatus: 400, wantReason: "from is not a phone number"},
		{label: "sender name as from", query: with("from", "MTN"), wantStatus: 400, wantReason: "from is not a phone number"},
		{label: "empty id (no %I)", query: with("id", ""), wantStatus: 400, wantReason: "bad id"},
		{label: "id with space", query: with("id", "a b"), wantStatus: 400, wantReason: "bad id"},
		{label: "empty to", query: with("to", ""), wantStatus: 400, wantReason: "bad to"},
		{label: "binary coding", query: with("coding", "1"), wantStatus: 400, wantReason: "unsupported coding"},
		{label: "bad coding", query: with("coding", "x"), wantStatus: 400, wantReason: "bad coding"},
		{label: "not utf-8", query: with("text", "\xff"), wantStatus: 400, wantReason: "text is not UTF-8"},
		{label: "unsupported charset", query: with("charset", "BIG5"), wantStatus: 400, wantReason: "unsupported charset"},
		{label: "text too long", query: with("text", strings.Repeat("é", MaxText+1)), wantStatus: 413, wantReason: "too long"},
		{label: "text at the limit", query: with("text", strings.Repeat("é", MaxText)), wantText: strings.Repeat("é", MaxText)},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			in, err := ParseMO(c.query, now)
			if c.wantStatus != 0 {
				e, ok := channel.AsError(err)
				if !ok || e.Status != c.wantStatus || !strings.Contains(e.Reason, c.wantReason) {
					t.Fatalf("err = %v, want %d %q", err, c.wantStatus, c.wantReason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := msg.Inbound{Channel: msg.SMS, Provider: Provider, From: "+237670000001", To: "8123",
				Text: c.wantText, ExternalID: id, ReplyOutOfBand: true, Received: now}
			if in != want {
				t.Fatalf("got %+v\nwant %+v", in, want)
			}
		})
	}
}

// TestParseMONumberForms: the sender's number as an SMSC may write it
// (%p) reaches the flows in one E.164 form.
func TestParseMONumberForms(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"+237670000001", "237670000001", "00237670000001", "670000001"} {
		in, err := ParseMO(moQuery("id-1", from, "x").Encode(), now)
		if err != nil || in.From != "+237670000001" {
			t.Errorf("from %q: %q, %v", from, in.From, err)
		}
	}
}
