package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestMetricsExposition(t *testing.T) {
	t.Parallel()
	m := New()
	m.Hop(msg.USSD, "registration:name")
	m.Hop(msg.USSD, "registration:name")
	m.Action("save_registration")
	m.Failed()
	m.Request("/ussd/africastalking", 200, 3*time.Millisecond)
	m.SMS(nil)
	m.SMS(errors.New("x"))
	m.Delivery(msg.Delivered)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`passerelle_hops_total{channel="ussd",flow="registration",node="name"} 2`,
		`passerelle_actions_total{action="save_registration"} 1`,
		`passerelle_store_failures_total 1`,
		`passerelle_request_seconds_count{route="/ussd/africastalking",status="2xx"} 1`,
		`passerelle_sms_sent_total{result="error"} 1`,
		`passerelle_sms_delivery_total{state="delivered"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
