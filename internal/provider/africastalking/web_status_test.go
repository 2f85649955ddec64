package africastalking_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

func TestATStatusCallbacks(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
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
		providertest.Case
		id      string
		state   msg.DeliveryState // "": nothing recorded
		phone   msg.Address
		wantOpt bool
	}{
		{providertest.Case{Label: "Success", Target: ok, Body: report("ATXid_s1", "Success", "", "+237670001101"), WantStatus: 204}, "ATXid_s1", msg.Delivered, "+237670001101", false},
		{providertest.Case{Label: "Buffered", Target: ok, Body: report("ATXid_s2", "Buffered", "", "+237670001102"), WantStatus: 204}, "ATXid_s2", msg.Sent, "+237670001102", false},
		{providertest.Case{Label: "AbsentSubscriber", Target: ok, Body: report("ATXid_s3", "AbsentSubscriber", "", "+237670001103"), WantStatus: 204}, "ATXid_s3", msg.Undelivered, "+237670001103", false},
		{providertest.Case{Label: "blacklisted", Target: ok, Body: report("ATXid_s4", "Failed", "UserInBlacklist", "+237670001104"), WantStatus: 204}, "ATXid_s4", msg.Failed, "+237670001104", true},
		{providertest.Case{Label: "do not disturb", Target: ok, Body: report("ATXid_s5", "Rejected", "DoNotDisturbRejection", "+237670001105"), WantStatus: 204}, "ATXid_s5", msg.Failed, "+237670001105", true},
		{providertest.Case{Label: "missing token", Target: "/sms/africastalking/status", Body: report("ATXid_s6", "Failed", "UserInBlacklist", "+237670001106"), WantStatus: 403, WantBody: "bad token"}, "ATXid_s6", "", "+237670001106", false},
		{providertest.Case{Label: "wrong token", Target: "/sms/africastalking/status?token=x", Body: report("ATXid_s7", "Success", "", "+237670001107"), WantStatus: 403, WantBody: "bad token"}, "ATXid_s7", "", "", false},
		{providertest.Case{Label: "unknown status", Target: ok, Body: report("ATXid_s8", "Exploded", "", "+237670001108"), WantStatus: 400, WantBody: "unknown status"}, "ATXid_s8", "", "", false},
		{providertest.Case{Label: "missing id", Target: ok, Body: "status=Success", WantStatus: 400, WantBody: "missing field: id"}, "ATXid_s9", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.Label, func(t *testing.T) {
			s.Check(t, c.Case)
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
