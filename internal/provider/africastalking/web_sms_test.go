package africastalking_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

const atAPIKey = "at-api-key-0123456789abcdef"

// fakeAT stands in for Africa's Talking's messaging API on 127.0.0.1.
type fakeAT struct {
	srv    *httptest.Server
	status int    // HTTP status answered
	code   string // recipient statusCode answered ("101": sent)

	mu    sync.Mutex
	sends []url.Values
}

func newFakeAT(tb testing.TB, status int, code string) *fakeAT {
	tb.Helper()
	f := &fakeAT{status: status, code: code}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/version1/messaging" || r.Header.Get("apiKey") != atAPIKey {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.sends = append(f.sends, r.PostForm)
		n := len(f.sends)
		f.mu.Unlock()
		w.WriteHeader(f.status)
		fmt.Fprintf(w, `{"SMSMessageData":{"Message":"Sent to 1/1","Recipients":[{"statusCode":%s,"number":%q,"status":"x","cost":"XAF 20","messageId":"ATXid_out_%d"}]}}`,
			f.code, r.PostForm.Get("to"), n)
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAT) received() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.sends...)
}

// newATServer returns a server whose outbox is an Africa's Talking sender
// pointed at f.
func newATServer(tb testing.TB, f *fakeAT) *providertest.Server {
	tb.Helper()
	snd, err := africastalking.NewSender(africastalking.SendConfig{Username: "sandbox", APIKey: atAPIKey, From: "23456", BaseURL: f.srv.URL})
	if err != nil {
		tb.Fatal(err)
	}
	return providertest.New(tb, africastalking.Routes(africastalking.Config{SMSToken: atSMSToken}), func(a *apptest.App, _ *web.Config) {
		a.Outbox.Use(a, sender.ForOutbox(snd), africastalking.Provider, sender.Classify)
	})
}

func atInbound(id, from, text string) url.Values {
	return url.Values{"id": {id}, "from": {from}, "to": {"23456"}, "text": {text},
		"date": {"2026-11-02 09:00:00"}, "networkCode": {"62401"}}
}

func TestATInboundCannedRequests(t *testing.T) {
	t.Parallel()
	f := newFakeAT(t, 201, "101")
	s := newATServer(t, f)
	ok := "/sms/africastalking?token=" + atSMSToken
	without := func(k string) string { v := atInbound("ATXid_in_9", "+237670000709", "x"); v.Del(k); return v.Encode() }
	s.Run(t, []providertest.Case{
		{Label: "first message", Target: ok, Body: atInbound("ATXid_in_1", "+237670000701", "Bonjour").Encode(), WantStatus: 200, WantBody: "ok"},
		{Label: "with linkId and extra fields", Target: ok, Body: atInbound("ATXid_in_2", "+237670000702", "Bonjour").Encode() + "&linkId=L1&extra=1", WantStatus: 200, WantBody: "ok"},
		{Label: "missing token", Target: "/sms/africastalking", Body: atInbound("ATXid_in_3", "+237670000703", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Target: "/sms/africastalking?token=" + atSMSToken + "x", Body: atInbound("ATXid_in_4", "+237670000704", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "token as a form field", Target: "/sms/africastalking", Body: atInbound("ATXid_in_5", "+237670000705", "Bonjour").Encode() + "&token=" + atSMSToken, WantStatus: 403, WantBody: "bad token"},
		{Label: "bad token and missing field", Target: "/sms/africastalking?token=no", Body: without("from"), WantStatus: 403, WantBody: "bad token"},
		{Label: "missing id", Target: ok, Body: without("id"), WantStatus: 400, WantBody: "missing field: id"},
		{Label: "missing from", Target: ok, Body: without("from"), WantStatus: 400, WantBody: "missing field: from"},
		{Label: "missing text", Target: ok, Body: without("text"), WantStatus: 400, WantBody: "missing field: text"},
		{Label: "bad number", Target: ok, Body: atInbound("ATXid_in_6", "0670000706", "x").Encode(), WantStatus: 400, WantBody: "not a phone number"},
		{Label: "malformed", Target: ok, Body: "id=%zz", WantStatus: 400, WantBody: "malformed"},
	})
	s.Outbox.Drain(t)
	sends := f.received()
	sort.Slice(sends, func(i, j int) bool { return sends[i].Get("to") < sends[j].Get("to") }) // sent concurrently
	if len(sends) != 2 {
		t.Fatalf("%d SMS sent, want 2 (refused requests send nothing)", len(sends))
	}
	for i, to := range []string{"+237670000701", "+237670000702"} {
		if sends[i].Get("to") != to || !strings.HasPrefix(sends[i].Get("message"), "Bienvenue / Welcome\n1. Français\n2. English") || sends[i].Get("from") != "23456" {
			t.Fatalf("send %d = %v", i, sends[i])
		}
	}
	for _, secret := range []string{atSMSToken, atAPIKey, "+237670000701", "670000702"} {
		if strings.Contains(s.Logs.String(), secret) {
			t.Fatalf("logs carry %q", secret)
		}
	}
}

// TestATInboundReply: the reply is queued by the hop's commit and sent by
// the outbox, which records AT's message id so that AT's delivery reports
// find it; a retried callback changes nothing and queues nothing twice.
func TestATInboundReply(t *testing.T) {
	t.Parallel()
	f := newFakeAT(t, 201, "101")
	s := newATServer(t, f)
	target := "/sms/africastalking?token=" + atSMSToken
	body := atInbound("ATXid_in_r1", "+237670000801", "Bonjour").Encode()
	if st, _, _ := s.Post(t, target, body, nil); st != 200 {
		t.Fatalf("status %d", st)
	}
	s.Outbox.Drain(t)
	before := s.Snapshot(t, func(string) bool { return false })
	if st, _, _ := s.Post(t, target, body, nil); st != 200 {
		t.Fatalf("retry status %d", st)
	}
	s.Outbox.Drain(t)
	if !providertest.SameSnapshot(before, s.Snapshot(t, func(string) bool { return false })) {
		t.Fatal("a retried callback changed something")
	}
	sends := f.received()
	if len(sends) != 1 || sends[0].Get("to") != "+237670000801" || !strings.HasPrefix(sends[0].Get("message"), "Bienvenue / Welcome") {
		t.Fatalf("sends %v: want the reply once", sends)
	}
	ctx := context.Background()
	if err := s.Store.RecordStatus(ctx, msg.Status{Provider: africastalking.Provider, ProviderID: "ATXid_out_1", State: msg.Delivered}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Store.OutboxStats(ctx, s.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Lanes[msg.LaneConversation]; c.Sent != 1 || c.Delivered != 1 || c.Queued != 0 {
		t.Fatalf("conversation lane %+v: want 1 sent and delivered, none queued", c)
	}
}

// TestATInboundSendFailures: a provider outage leaves the reply queued for
// a retry (the callback was answered 200 once stored); a blacklisted
// recipient is marked opted out and their reply not retried.
func TestATInboundSendFailures(t *testing.T) {
	t.Parallel()
	target := "/sms/africastalking?token=" + atSMSToken
	ctx := context.Background()
	downAPI := newFakeAT(t, 500, "500")
	down := newATServer(t, downAPI)
	if st, _, _ := down.Post(t, target, atInbound("ATXid_in_f1", "+237670000901", "Bonjour").Encode(), nil); st != 200 {
		t.Fatalf("outage: %d", st)
	}
	down.Outbox.Drain(t)
	st, err := down.Store.OutboxStats(ctx, down.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Lanes[msg.LaneConversation]; len(downAPI.received()) != 1 || c.Queued != 1 || c.Retrying != 1 || c.Sent != 0 {
		t.Fatalf("outage: %d tries, lane %+v: want one try, the reply waiting for a retry", len(downAPI.received()), c)
	}
	blocked := newATServer(t, newFakeAT(t, 201, "406"))
	if st, _, _ := blocked.Post(t, target, atInbound("ATXid_in_f2", "+237670000902", "Bonjour").Encode(), nil); st != 200 {
		t.Fatalf("blacklisted: %d", st)
	}
	blocked.Outbox.Drain(t)
	out, err := blocked.Store.OptedOut(ctx, blocked.Hasher.Person("+237670000902"))
	if err != nil || !out {
		t.Fatalf("opted out = %v, %v", out, err)
	}
}
