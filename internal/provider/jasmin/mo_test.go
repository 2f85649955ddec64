package jasmin

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// moForm is an inbound message as Jasmin's HTTP client connector posts it.
func moForm(id, from, content string) url.Values {
	return url.Values{
		"id": {id}, "from": {from}, "to": {"8123"}, "origin-connector": {"mtn_cm"},
		"priority": {"1"}, "coding": {"0"}, "validity": {"2026-11-03 09:00:00"},
		"content": {content}, "binary": {hex.EncodeToString([]byte(content))},
	}
}

// ucs2Form is moForm for a text sent in UCS-2.
func ucs2Form(id, from string, utf16 []byte) url.Values {
	f := moForm(id, from, string(utf16))
	f.Set("coding", "8")
	return f
}

func TestParseMO(t *testing.T) {
	t.Parallel()
	const id = "16fd2706-8baf-433b-82eb-8c7fada847da"
	base := func() url.Values { return moForm(id, "237670000001", "Bonjour") }
	with := func(k, v string) string { f := base(); f.Set(k, v); return f.Encode() }
	without := func(k string) string { f := base(); f.Del(k); return f.Encode() }
	cases := []struct {
		label      string
		body       string
		wantText   string
		wantStatus int // 0: accepted
		wantReason string
	}{
		{label: "full post", body: base().Encode(), wantText: "Bonjour"},
		{label: "no binary", body: without("binary"), wantText: "Bonjour"},
		{label: "no coding", body: without("coding"), wantText: "Bonjour"},
		{label: "no optional fields", body: url.Values{"id": {id}, "from": {"237670000001"}, "to": {"8123"}, "content": {"Bonjour"}}.Encode(), wantText: "Bonjour"},
		{label: "unknown fields ignored", body: base().Encode() + "&tlv_params=%7B%7D&extra=1", wantText: "Bonjour"},
		{label: "empty text", body: moForm(id, "237670000001", "").Encode(), wantText: ""},
		{label: "gsm accents", body: moForm(id, "237670000001", "Caf\x05 \x7F Yaound\x05").Encode(), wantText: "Café à Yaoundé"},
		{label: "ucs-2", body: ucs2Form(id, "237670000001", []byte("\x00\xc7\x00a\x00 \x00v\x00a\x00 \x00?")).Encode(), wantText: "Ça va ?"},
		{label: "missing id", body: without("id"), wantStatus: 400, wantReason: "missing field: id"},
		{label: "missing from", body: without("from"), wantStatus: 400, wantReason: "missing field: from"},
		{label: "missing to", body: without("to"), wantStatus: 400, wantReason: "missing field: to"},
		{label: "missing content", body: without("content"), wantStatus: 400, wantReason: "missing field: content"},
		{label: "empty body", body: "", wantStatus: 400, wantReason: "missing field: id, from, to, content"},
		{label: "malformed", body: "id=%zz", wantStatus: 400, wantReason: "malformed"},
		{label: "repeated id", body: base().Encode() + "&id=other", wantStatus: 400, wantReason: "repeated field: id"},
		{label: "repeated content", body: base().Encode() + "&content=x", wantStatus: 400, wantReason: "repeated field: content"},
		{label: "repeated coding", body: base().Encode() + "&coding=8", wantStatus: 400, wantReason: "repeated field: coding"},
		{label: "bad number", body: with("from", "0670000001"), wantStatus: 400, wantReason: "from is not a phone number"},
		{label: "sender id as from", body: with("from", "MTN"), wantStatus: 400, wantReason: "from is not a phone number"},
		{label: "empty id", body: with("id", ""), wantStatus: 400, wantReason: "bad id"},
		{label: "id with space", body: with("id", "a b"), wantStatus: 400, wantReason: "bad id"},
		{label: "long id", body: with("id", strings.Repeat("a", MaxID+1)), wantStatus: 400, wantReason: "bad id"},
		{label: "empty to", body: with("to", ""), wantStatus: 400, wantReason: "bad to"},
		{label: "binary not hex", body: with("binary", "zz"), wantStatus: 400, wantReason: "bad binary"},
		{label: "content and binary differ", body: with("binary", hex.EncodeToString([]byte("Bonsoir"))), wantStatus: 400, wantReason: "content and binary differ"},
		{label: "binary coding", body: with("coding", "4"), wantStatus: 400, wantReason: "unsupported coding"},
		{label: "bad coding", body: with("coding", "eight"), wantStatus: 400, wantReason: "bad coding"},
		{label: "ucs-2 odd length", body: ucs2Form(id, "237670000001", []byte("\x00a\x00")).Encode(), wantStatus: 400, wantReason: "not UCS-2"},
		{label: "text too long", body: moForm(id, "237670000001", strings.Repeat("a", MaxText+1)).Encode(), wantStatus: 413, wantReason: "too long"},
		{label: "text at the limit", body: moForm(id, "237670000001", strings.Repeat("a", MaxText)).Encode(), wantText: strings.Repeat("a", MaxText)},
		{label: "ucs-2 text too long", body: ucs2Form(id, "237670000001", []byte(strings.Repeat("\x00\xe9", MaxText+1))).Encode(), wantStatus: 413, wantReason: "too long"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			in, err := ParseMO([]byte(c.body), now)
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
// reaches the flows in one E.164 form.
func TestParseMONumberForms(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"+237670000001", "237670000001", "00237670000001", "670000001"} {
		in, err := ParseMO([]byte(moForm("id-1", from, "x").Encode()), now)
		if err != nil || in.From != "+237670000001" {
			t.Errorf("from %q: %q, %v", from, in.From, err)
		}
	}
}

func TestParseMOCopies(t *testing.T) {
	t.Parallel()
	body := []byte(moForm("id-1", "237670000001", "Oui").Encode())
	in, err := ParseMO(body, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x' // the server reuses its buffers
	}
	if in.Text != "Oui" || in.ExternalID != "id-1" || in.To != "8123" {
		t.Fatalf("inbound aliases the body: %+v", in)
	}
}
