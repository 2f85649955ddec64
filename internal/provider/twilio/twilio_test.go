package twilio

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// inboundForm is a webhook as Twilio posts it for an SMS.
func inboundForm() url.Values {
	return url.Values{
		"ToCountry": {"CM"}, "ToState": {""}, "SmsMessageSid": {"SM0123456789abcdef0123456789abcdef"},
		"NumMedia": {"0"}, "ToCity": {""}, "FromZip": {""}, "SmsSid": {"SM0123456789abcdef0123456789abcdef"},
		"FromState": {""}, "SmsStatus": {"received"}, "FromCity": {""}, "Body": {"Bonjour"},
		"FromCountry": {"CM"}, "To": {"+237222000000"}, "ToZip": {""}, "NumSegments": {"1"},
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"},
		"From": {"+237670000001"}, "ApiVersion": {"2010-04-01"},
	}
}

func TestParseSMS(t *testing.T) {
	t.Parallel()
	with := func(k, v string) url.Values { f := inboundForm(); f.Set(k, v); return f }
	without := func(k string) url.Values { f := inboundForm(); f.Del(k); return f }
	cases := []struct {
		label      string
		form       url.Values
		wantStatus int // 0: accepted
		wantReason string
	}{
		{label: "full webhook", form: inboundForm()},
		{label: "empty body", form: with("Body", "")},
		{label: "accented body", form: with("Body", "Ça va? « oui »")},
		{label: "missing From", form: without("From"), wantStatus: 400, wantReason: "missing field: From"},
		{label: "missing MessageSid", form: without("MessageSid"), wantStatus: 400, wantReason: "missing field: MessageSid"},
		{label: "missing Body", form: without("Body"), wantStatus: 400, wantReason: "missing field: Body"},
		{label: "missing To is fine", form: without("To")},
		{label: "empty form", form: url.Values{}, wantStatus: 400, wantReason: "missing field: From, MessageSid, Body"},
		{label: "bad number", form: with("From", "0670000001"), wantStatus: 400, wantReason: "not a phone number"},
		{label: "whatsapp number", form: with("From", "whatsapp:+237670000001"), wantStatus: 400, wantReason: "not a phone number"},
		{label: "empty sid", form: with("MessageSid", ""), wantStatus: 400, wantReason: "bad MessageSid"},
		{label: "sid with space", form: with("MessageSid", "SM 1"), wantStatus: 400, wantReason: "bad MessageSid"},
		{label: "long sid", form: with("MessageSid", strings.Repeat("a", MaxID+1)), wantStatus: 400, wantReason: "bad MessageSid"},
		{label: "body not UTF-8", form: with("Body", "\xff"), wantStatus: 400, wantReason: "UTF-8"},
		{label: "body too long", form: with("Body", strings.Repeat("é", MaxBody+1)), wantStatus: 413, wantReason: "too long"},
		{label: "body at the limit", form: with("Body", strings.Repeat("é", MaxBody))},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			in, err := ParseSMS(c.form, now)
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
			want := msg.Inbound{Channel: msg.SMS, Provider: Provider, From: "+237670000001", To: c.form.Get("To"),
				Text: c.form.Get("Body"), ExternalID: "SM0123456789abcdef0123456789abcdef", Received: now}
			if in != want {
				t.Fatalf("got %+v\nwant %+v", in, want)
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	t.Parallel()
	body := []byte("Body=a%2Bb&From=%2B237670000001")
	form, err := ParseForm(body)
	if err != nil || form.Get("Body") != "a+b" || form.Get("From") != "+237670000001" {
		t.Fatalf("ParseForm = %v, %v", form, err)
	}
	copy(body, "XXXXXX") // the values do not alias the body
	if form.Get("Body") != "a+b" {
		t.Fatal("values alias the body")
	}
	if _, err := ParseForm([]byte("Body=%zz")); err == nil {
		t.Fatal("accepted a malformed body")
	}
}

func TestFormatTwiML(t *testing.T) {
	t.Parallel()
	const head = `<?xml version="1.0" encoding="UTF-8"?>`
	cases := []struct {
		label string
		reply msg.Reply
		want  string
	}{
		{"no message", msg.Reply{}, head + `<Response/>`},
		{"only empty messages", msg.Reply{Messages: []string{""}}, head + `<Response/>`},
		{"one message", msg.Reply{Messages: []string{"Bonjour"}}, head + `<Response><Message>Bonjour</Message></Response>`},
		{"two messages", msg.Reply{Messages: []string{"a", "b"}, End: true}, head + `<Response><Message>a</Message><Message>b</Message></Response>`},
		{"escaped", msg.Reply{Messages: []string{`<b>&"x"'</b>` + "\n1. Oui"}},
			head + `<Response><Message>&lt;b&gt;&amp;&#34;x&#34;&#39;&lt;/b&gt;&#xA;1. Oui</Message></Response>`},
		{"accents kept", msg.Reply{Messages: []string{"Français « ok »"}}, head + `<Response><Message>Français « ok »</Message></Response>`},
	}
	for _, c := range cases {
		if got := FormatTwiML(c.reply); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.label, got, c.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	form := func(status, code string) url.Values {
		f := url.Values{"MessageSid": {"SM1"}, "MessageStatus": {status}, "To": {"+237670000001"},
			"AccountSid": {"AC1"}, "From": {"+15005550006"}, "ApiVersion": {"2010-04-01"}, "SmsSid": {"SM1"}, "SmsStatus": {status}}
		if code != "" {
			f.Set("ErrorCode", code)
		}
		return f
	}
	cases := []struct {
		label     string
		form      url.Values
		mid       string
		wantState msg.DeliveryState
		wantID    string
		wantOpt   bool
		wantErr   string
	}{
		{label: "queued", form: form("queued", ""), mid: "m1", wantState: msg.Queued, wantID: "m1"},
		{label: "sending", form: form("sending", ""), mid: "m1", wantState: msg.Queued, wantID: "m1"},
		{label: "sent", form: form("sent", ""), mid: "m1", wantState: msg.Sent, wantID: "m1"},
		{label: "delivered", form: form("delivered", ""), mid: "m1", wantState: msg.Delivered, wantID: "m1"},
		{label: "undelivered", form: form("undelivered", "30003"), mid: "m1", wantState: msg.Undelivered, wantID: "m1"},
		{label: "failed", form: form("failed", "30008"), mid: "m1", wantState: msg.Failed, wantID: "m1"},
		{label: "opted out", form: form("failed", OptOutCode), mid: "m1", wantState: msg.Failed, wantID: "m1", wantOpt: true},
		{label: "no mid: filed under the SID", form: form("delivered", ""), wantState: msg.Delivered, wantID: "SM1"},
		{label: "unknown status", form: form("exploded", ""), mid: "m1", wantErr: "unknown MessageStatus"},
		{label: "missing status", form: url.Values{"MessageSid": {"SM1"}}, mid: "m1", wantErr: "missing field: MessageStatus"},
		{label: "missing sid", form: url.Values{"MessageStatus": {"sent"}}, mid: "m1", wantErr: "missing field: MessageSid"},
		{label: "bad mid", form: form("sent", ""), mid: "a b", wantErr: "bad mid"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			r, err := ParseStatus(c.form, c.mid, now)
			if c.wantErr != "" {
				if e, ok := channel.AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := msg.Status{ID: c.wantID, Provider: Provider, ProviderID: "SM1", State: c.wantState, Code: c.form.Get("ErrorCode"), At: now}
			if r.Status != want || r.To != "+237670000001" || r.OptedOut != c.wantOpt {
				t.Fatalf("got %+v", r)
			}
		})
	}
}
