package hubtel

import (
	"fmt"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRegistration walks the whole registration through the real web
// server in French and in English, as Hubtel posts it: an Initiation (the
// number in national form), then one Response per answer (the number
// without its '+') carrying that answer only, numbered by Sequence. Every
// screen but the last goes on (Response); the last ends (Release).
func TestRegistration(t *testing.T) {
	t.Parallel()
	for i, r := range providertest.Registrations {
		t.Run(string(r.Lang), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			phone := msg.Address(fmt.Sprintf("+23767000020%d", i))
			session := "hubtel-reg-" + string(r.Lang)
			var last answer
			hop := func(answers []string) string {
				body := hubtelReq("Initiation", session, string(phone[4:]), 1, "*713#")
				if len(answers) > 0 {
					body = hubtelReq("Response", session, string(phone[1:]), len(answers)+1, answers[len(answers)-1])
				}
				if last.Type == "Release" {
					t.Fatalf("a hop after the session was released: %q", last.Message)
				}
				st, out, _ := s.Do(t, providertest.Request("POST", target, body, "application/json", nil))
				if st != 200 {
					t.Fatalf("hop %d: %d %q", len(answers), st, out)
				}
				last = decoded(t, out)
				if last.SessionID != session || (last.Type == "Response") != (last.DataType == "input") {
					t.Fatalf("hop %d: answer %+v", len(answers), last)
				}
				return last.Message
			}
			screens := r.Walk(t, hop)
			if last.Type != "Release" {
				t.Fatalf("last answer %+v, want a Release", last)
			}
			s.CheckRegistered(t, r, phone, screens)
		})
	}
}
