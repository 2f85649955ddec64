package africastalking

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

var smsNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// smsForm is an incoming message as Africa's Talking posts it.
func smsForm() url.Values {
	return url.Values{
		"id": {"ATXid_0123456789abcdef"}, "from": {"+237670000001"}, "to": {"23456"},
		"text": {"Bonjour"}, "date": {"2026-11-02 09:00:00"}, "networkCode": {"62401"},
	}
}

func TestParseSMS(t *testing.T) {
	t.Parallel()
	with := func(k, v string) string { f := smsForm(); f.Set(k, v); return f.Encode() }
	without := func(k string) string { f := smsForm(); f.Del(k); return f.Encode() }
	cases := []struct {
		label      string
		body       string
		wantStatus int // 0: accepted
		wantReason string
	}{
		{label: "full callback", body: smsForm().Encode()},
		{label: "with linkId", body: with("linkId", "SampleLinkId123")},
		{label: "unknown fields ignored", body: smsForm().Encode() + "&extra=1"},
		{label: "empty text", body: with("text", "")},
		{label: "no date", body: without("date")},
		{label: "missing id", body: without("id"), wantStatus: 400, wantReason: "missing field: id"},
		{label: "missing from", body: without("from"), wantStatus: 400, wantReason: "missing field: from"},
		{label: "missing to", body: without("to"), wantStatus: 400, wantReason: "missing field: to"},
		{label: "missing text", body: without("text"), wantStatus: 400, wantReason: "missing field: text"},
		{label: "empty body", body: "", wantStatus: 400, wantReason: "missing field: id, from, to, text"},
		{label: "malformed", body: "id=%zz", wantStatus: 400, wantReason: "malformed"},
		{label: "bad number", body: with("from", "0670000001"), wantStatus: 400, wantReason: "not a phone number"},
		{label: "empty id", body: with("id", ""), wantStatus: 400, wantReason: "bad id"},
		{label: "id with newline", body: with("id", "a\nb"), wantStatus: 400, wantReason: "bad id"},
		{label: "text not UTF-8", body: with("text", "\xff"), wantStatus: 400, wantReason: "UTF-8"},
		{label: "text too long", body: with("text", strings.Repeat("a", MaxSMSText+1)), wantStatus: 413, wantReason: "too long"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			in, err := ParseSMS([]byte(c.body), smsNow)
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
			form, _ := url.ParseQuery(c.body)
			want := msg.Inbound{Channel: msg.SMS, Provider: Provider, From: "+237670000001", To: "23456",
				Text: form.Get("text"), ExternalID: "ATXid_0123456789abcdef", Received: smsNow}
			if in != want {
				t.Fatalf("got %+v\nwant %+v", in, want)
			}
		})
	}
}

func TestParseSMSStatus(t *testing.T) {
	t.Parallel()
	report := func(status, reason string) string {
		f := url.Values{"id": {"ATXid_1"}, "status": {status}, "phoneNumber": {"+237670000001"},
			"networkCode": {"62401"}, "retryCount": {"0"}}
		if reason != "" {
			f.Set("failureReason", reason)
		}
		return f.Encode()
	}
	cases := []struct {
		label     string
		body      string
		wantState msg.DeliveryState
		wantOpt   bool
		wantErr   string
	}{
		{label: "Sent", body: report("Sent", ""), wantState: msg.Sent},
		{label: "Submitted", body: report("Submitted", ""), wantState: msg.Sent},
		{label: "Buffered", body: report("Buffered", ""), wantState: msg.Sent},
		{label: "Success", body: report("Success", ""), wantState: msg.Delivered},
		{label: "Rejected", body: report("Rejected", "DeliveryFailure"), wantState: msg.Failed},
		{label: "Failed", body: report("Failed", "InsufficientCredit"), wantState: msg.Failed},
		{label: "AbsentSubscriber", body: report("AbsentSubscriber", ""), wantState: msg.Undelivered},
		{label: "Expired", body: report("Expired", ""), wantState: msg.Undelivered},
		{label: "blacklisted", body: report("Failed", "UserInBlacklist"), wantState: msg.Failed, wantOpt: true},
		{label: "do not disturb", body: report("Rejected", "DoNotDisturbRejection"), wantState: msg.Failed, wantOpt: true},
		{label: "unknown status", body: report("Exploded", ""), wantErr: "unknown status"},
		{label: "missing id", body: "status=Success", wantErr: "missing field: id"},
		{label: "missing status", body: "id=ATXid_1", wantErr: "missing field: status"},
		{label: "malformed", body: "id=%zz", wantErr: "malformed"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			r, err := ParseSMSStatus([]byte(c.body), smsNow)
			if c.wantErr != "" {
				if e, ok := channel.AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			form, _ := url.ParseQuery(c.body)
			want := msg.Status{ID: "ATXid_1", Provider: Provider, ProviderID: "ATXid_1", State: c.wantState, Code: form.Get("failureReason"), At: smsNow}
			if r.Status != want || r.To != "+237670000001" || r.OptedOut != c.wantOpt {
				t.Fatalf("got %+v", r)
			}
		})
	}
}

// FuzzParseSMS feeds arbitrary bodies to the incoming-message parser: it
// must never panic, must refuse with a 4xx *channel.Error or return a
// well-formed Inbound carrying the form's fields.
func FuzzParseSMS(f *testing.F) {
	seeds := []string{
		smsForm().Encode(),
		"id=ATXid_1&from=%2B237670000001&to=23456&text=&linkId=L1",
		"id=ATXid_1&id=ATXid_2&from=%2B237670000001&to=23456&text=%C3%A7a+va",
		"id=&from=&to=&text=",
		"id=a&from=0670000001&to=b&text=x",
		"text=%zz",
		"",
		"&&&==",
		"id=a&from=%2B237670000001&to=b&text=%FF%FE",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseSMS(body, now)
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
		if in.ExternalID != form.Get("id") || in.Text != form.Get("text") || in.Channel != msg.SMS || !validID(in.ExternalID) {
			t.Fatalf("fields not carried: %+v", in)
		}
		if !strings.HasPrefix(string(in.From), "+") || !utf8.ValidString(in.Text) || utf8.RuneCountInString(in.Text) > MaxSMSText {
			t.Fatalf("bad inbound %+v", in)
		}
	})
}

// FuzzParseSMSStatus feeds arbitrary bodies to the delivery report parser.
func FuzzParseSMSStatus(f *testing.F) {
	for _, s := range []string{
		"id=ATXid_1&status=Success&phoneNumber=%2B237670000001&networkCode=62401&retryCount=0",
		"id=ATXid_1&status=Failed&failureReason=UserInBlacklist&phoneNumber=%2B237670000001",
		"id=ATXid_1&status=Bogus",
		"status=Sent",
		"",
	} {
		f.Add([]byte(s))
	}
	now := time.Unix(0, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseSMSStatus(body, now)
		if err != nil {
			if e, ok := channel.AsError(err); !ok || e.Status != 400 || e.Reason == "" {
				t.Fatalf("error %v is not a 400 channel.Error", err)
			}
			return
		}
		if !validID(r.Status.ID) || r.Status.ID != r.Status.ProviderID || r.Status.State == "" {
			t.Fatalf("bad report %+v", r)
		}
		if r.OptedOut != optOutReasons[r.Status.Code] {
			t.Fatalf("opt-out %v for reason %q", r.OptedOut, r.Status.Code)
		}
	})
}
