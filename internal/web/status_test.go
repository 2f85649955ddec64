package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
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
	s := newSMSServer(t, nil)
	ctx := context.Background()
	// signedStatus is a callback for the number n signed for target.
	signedStatus := func(label, target, sid, status, code string, n int, sig map[string]string) smsCase {
		f := twilioStatus(sid, status, code, fmt.Sprintf("+2376700010%02d", n))
		if sig == nil {
			sig = signed(target, f)
		}
		return smsCase{label: label, target: target, body: f.Encode(), headers: sig, wantStatus: 204}
	}
	refused := func(c smsCase, status int, body string) smsCase {
		c.wantStatus, c.wantBody = status, body
		return c
	}
	cases := []struct {
		smsCase
		id        string            // where the report is read back
		wantState msg.DeliveryState // "": nothing may be recorded under id
		wantCode  string
		phone     int // the recipient's number, read for opt-out
		wantOpt   bool
	}{
		{smsCase: signedStatus("delivered", "/sms/twilio/status?mid=m1", "SMs1", "delivered", "", 1, nil), id: "m1", wantState: msg.Delivered, phone: 1},
		{smsCase: signedStatus("undelivered", "/sms/twilio/status?mid=m2", "SMs2", "undelivered", "30003", 2, nil), id: "m2", wantState: msg.Undelivered, wantCode: "30003", phone: 2},
		{smsCase: signedStatus("opted out (21610)", "/sms/twilio/status?mid=m3", "SMs3", "failed", "21610", 3, nil), id: "m3", wantState: msg.Failed, wantCode: "21610", phone: 3, wantOpt: true},
		{smsCase: signedStatus("no mid: filed under the SID", "/sms/twilio/status", "SMs4", "sent", "", 4, nil), id: "SMs4", wantState: msg.Sent, phone: 4},
		{smsCase: refused(signedStatus("bad signature", "/sms/twilio/status?mid=m5", "SMs5", "failed", "21610", 5, map[string]string{"X-Twilio-Signature": "bad"}), 403, "bad signature"), id: "m5", phone: 5},
		{smsCase: refused(signedStatus("missing signature", "/sms/twilio/status?mid=m6", "SMs6", "failed", "21610", 6, map[string]string{}), 403, "bad signature"), id: "m6", phone: 6},
		{smsCase: refused(signedStatus("mid changed after signing", "/sms/twilio/status?mid=m7", "SMs7", "failed", "21610", 7,
			signed("/sms/twilio/status?mid=other", twilioStatus("SMs7", "failed", "21610", "+237670001007"))), 403, "bad signature"), id: "m7", phone: 7},
		{smsCase: refused(signedStatus("unknown status", "/sms/twilio/status?mid=m8", "SMs8", "exploded", "", 8, nil), 400, "unknown MessageStatus"), id: "m8", phone: 8},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			s.check(t, c.smsCase)
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

func TestATStatusCallbacks(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t, nil)
	ctx := context.Background()
	ok := "/sms/africastalking/status?token=" + atSMSToken
	report := func(id, status, reason, phone string) string {
		f := url.Values{"id": {id}, "status": {status}, "phoneNumber": {phone}, "networkCode": {"62401"}, "retryCount": {"0"}}
		if reason != "" {
			f.Set("failureReason", reason)
		}
		return f.Encode()
	}
	cases := []struct {
		smsCase
		id      string
		state   msg.DeliveryState // "": nothing recorded
		phone   msg.Address
		wantOpt bool
	}{
		{smsCase{label: "Success", target: ok, body: report("ATXid_s1", "Success", "", "+237670001101"), wantStatus: 204}, "ATXid_s1", msg.Delivered, "+237670001101", false},
		{smsCase{label: "Buffered", target: ok, body: report("ATXid_s2", "Buffered", "", "+237670001102"), wantStatus: 204}, "ATXid_s2", msg.Sent, "+237670001102", false},
		{smsCase{label: "AbsentSubscriber", target: ok, body: report("ATXid_s3", "AbsentSubscriber", "", "+237670001103"), wantStatus: 204}, "ATXid_s3", msg.Undelivered, "+237670001103", false},
		{smsCase{label: "blacklisted", target: ok, body: report("ATXid_s4", "Failed", "UserInBlacklist", "+237670001104"), wantStatus: 204}, "ATXid_s4", msg.Failed, "+237670001104", true},
		{smsCase{label: "do not disturb", target: ok, body: report("ATXid_s5", "Rejected", "DoNotDisturbRejection", "+237670001105"), wantStatus: 204}, "ATXid_s5", msg.Failed, "+237670001105", true},
		{smsCase{label: "missing token", target: "/sms/africastalking/status", body: report("ATXid_s6", "Failed", "UserInBlacklist", "+237670001106"), wantStatus: 403, wantBody: "bad token"}, "ATXid_s6", "", "+237670001106", false},
		{smsCase{label: "wrong token", target: "/sms/africastalking/status?token=x", body: report("ATXid_s7", "Success", "", "+237670001107"), wantStatus: 403, wantBody: "bad token"}, "ATXid_s7", "", "", false},
		{smsCase{label: "unknown status", target: ok, body: report("ATXid_s8", "Exploded", "", "+237670001108"), wantStatus: 400, wantBody: "unknown status"}, "ATXid_s8", "", "", false},
		{smsCase{label: "missing id", target: ok, body: "status=Success", wantStatus: 400, wantBody: "missing field: id"}, "ATXid_s9", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			s.check(t, c.smsCase)
			got, err := s.Store.Status(ctx, c.id)
			if c.state == "" {
				if !errors.Is(err, msg.ErrNotFound) {
					t.Fatalf("refused report recorded: %+v, %v", got, err)
				}
			} else if err != nil || got.State != c.state || got.ProviderID != c.id || got.Provider != "africastalking" {
				t.Fatalf("status %+v, %v", got, err)
			}
			if c.phone != "" {
				if out, err := s.Store.OptedOut(ctx, s.Hasher.Person(c.phone)); err != nil || out != c.wantOpt {
					t.Fatalf("opted out = %v, %v; want %v", out, err, c.wantOpt)
				}
			}
		})
	}
	if keys := s.Keys(t); len(keys) != 6 { // five reports and the opt-out set
		t.Fatalf("keys %v", keys)
	}
}
