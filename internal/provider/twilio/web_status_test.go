package twilio_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

func twilioStatus(sid, status, code, to string) url.Values {
	f := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "From": {"+15005550006"}, "ApiVersion": {"2010-04-01"}, "To": {to}}
	if code != "" {
		f.Set("ErrorCode", code)
	}
	return f
}

func TestTwilioStatusCallbacks(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	ctx := context.Background()
	// signedStatus is a callback for the number n signed for target.
	signedStatus := func(label, target, sid, status, code string, n int, sig map[string]string) providertest.Case {
		f := twilioStatus(sid, status, code, fmt.Sprintf("+2376700010%02d", n))
		if sig == nil {
			sig = signed(target, f)
		}
		return providertest.Case{Label: label, Target: target, Body: f.Encode(), Headers: sig, WantStatus: 204}
	}
	refused := func(c providertest.Case, status int, body string) providertest.Case {
		c.WantStatus, c.WantBody = status, body
		return c
	}
	cases := []struct {
		providertest.Case
		id        string            // where the report is read back
		wantState msg.DeliveryState // "": nothing may be recorded under id
		wantCode  string
		phone     int // the recipient's number, read for opt-out
		wantOpt   bool
	}{
		{Case: signedStatus("delivered", "/sms/twilio/status?mid=m1", "SMs1", "delivered", "", 1, nil), id: "m1", wantState: msg.Delivered, phone: 1},
		{Case: signedStatus("undelivered", "/sms/twilio/status?mid=m2", "SMs2", "undelivered", "30003", 2, nil), id: "m2", wantState: msg.Undelivered, wantCode: "30003", phone: 2},
		{Case: signedStatus("opted out (21610)", "/sms/twilio/status?mid=m3", "SMs3", "failed", "21610", 3, nil), id: "m3", wantState: msg.Failed, wantCode: "21610", phone: 3, wantOpt: true},
		{Case: signedStatus("no mid: filed under the SID", "/sms/twilio/status", "SMs4", "sent", "", 4, nil), id: "SMs4", wantState: msg.Sent, phone: 4},
		{Case: refused(signedStatus("bad signature", "/sms/twilio/status?mid=m5", "SMs5", "failed", "21610", 5, map[string]string{"X-Twilio-Signature": "bad"}), 403, "bad signature"), id: "m5", phone: 5},
		{Case: refused(signedStatus("missing signature", "/sms/twilio/status?mid=m6", "SMs6", "failed", "21610", 6, map[string]string{}), 403, "bad signature"), id: "m6", phone: 6},
		{Case: refused(signedStatus("mid changed after signing", "/sms/twilio/status?mid=m7", "SMs7", "failed", "21610", 7,
			signed("/sms/twilio/status?mid=other", twilioStatus("SMs7", "failed", "21610", "+237670001007"))), 403, "bad signature"), id: "m7", phone: 7},
		{Case: refused(signedStatus("unknown status", "/sms/twilio/status?mid=m8", "SMs8", "exploded", "", 8, nil), 400, "unknown MessageStatus"), id: "m8", phone: 8},
	}
	for _, c := range cases {
		t.Run(c.Label, func(t *testing.T) {
			check(t, s, c.Case)
			got, err := s.Store.Status(ctx, c.id)
			switch {
			case c.wantState == "" && !errors.Is(err, msg.ErrNotFound):
				t.Fatalf("refused report recorded: %+v, %v", got, err)
			case c.wantState != "" && (err != nil || got.State != c.wantState || got.Code != c.wantCode || got.Provider != "twilio" || !strings.HasPrefix(got.ProviderID, "SMs")):
				t.Fatalf("status %+v, %v", got, err)
			}
			p := s.Hasher.Person(msg.Address(fmt.Sprintf("+2376700010%02d", c.phone)))
			if out, err := s.Store.OptedOut(ctx, p); err != nil || out != c.wantOpt {
				t.Fatalf("opted out = %v, %v; want %v", out, err, c.wantOpt)
			}
		})
	}
}
