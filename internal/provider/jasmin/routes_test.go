package jasmin

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// gateway is Passerelle with the Jasmin provider as its settings make it,
// behind the real web server, its outbox sending through the fake f.
func gateway(t *testing.T, f *fakeJasmin, mod func(a *apptest.App, c *web.Config)) *providertest.Server {
	t.Helper()
	l := providertest.Load(t, Factory, map[string]string{"PASSERELLE_JASMIN_TOKEN": testToken, "PASSERELLE_JASMIN_SEND_URL": f.sendURL(),
		"PASSERELLE_JASMIN_USERNAME": fakeUser, "PASSERELLE_JASMIN_PASSWORD": fakePassword, "PASSERELLE_JASMIN_FROM": "8123"},
		"https://gw.example.org")
	if len(l.Bad) != 0 || l.P == nil || l.P.Sender() == nil {
		t.Fatalf("settings: %v", l.Bad)
	}
	return providertest.New(t, l.P.Routes(), func(a *apptest.App, c *web.Config) {
		a.Outbox.Use(a, sender.ForOutbox(l.P.Sender()), Provider, sender.Classify)
		if mod != nil {
			mod(a, c)
		}
	})
}

const moTarget = MOPath + "?token=" + testToken

func inbound(id, from, text string) *msg.Inbound {
	return &msg.Inbound{Channel: msg.SMS, Provider: Provider, From: msg.Address(from), To: "8123", Text: text,
		ExternalID: id, ReplyOutOfBand: true}
}

func TestMOCannedRequests(t *testing.T) {
	t.Parallel()
	f := newFakeJasmin(t, nil)
	s := gateway(t, f, nil)
	without := func(k string) string { v := moForm("mo-x", "237670000709", "x"); v.Del(k); return v.Encode() }
	with := func(k, v string) string { f := moForm("mo-x", "237670000709", "x"); f.Set(k, v); return f.Encode() }
	s.Run(t, []providertest.Case{
		{Label: "first message", Target: moTarget, Body: moForm("mo-1", "237670000701", "Bonjour").Encode(),
			WantStatus: 200, WantBody: Ack, WantMessage: inbound("mo-1", "+237670000701", "Bonjour")},
		{Label: "ucs-2 message", Target: moTarget, Body: ucs2Form("mo-2", "+237670000702", []byte("\x00\xc7\x00a\x00 \x00v\x00a")).Encode(),
			WantStatus: 200, WantBody: Ack, WantMessage: inbound("mo-2", "+237670000702", "Ça va")},
		{Label: "missing token", Target: MOPath, Body: moForm("mo-3", "237670000703", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Target: moTarget + "x", Body: moForm("mo-4", "237670000704", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "token as a form field", Target: MOPath, Body: moForm("mo-5", "237670000705", "Bonjour").Encode() + "&token=" + testToken, WantStatus: 403, WantBody: "bad token"},
		{Label: "bad token and missing field", Target: MOPath + "?token=no", Body: without("from"), WantStatus: 403, WantBody: "bad token"},
		{Label: "missing id", Target: moTarget, Body: without("id"), WantStatus: 400, WantBody: "missing field: id"},
		{Label: "missing from", Target: moTarget, Body: without("from"), WantStatus: 400, WantBody: "missing field: from"},
		{Label: "missing to", Target: moTarget, Body: without("to"), WantStatus: 400, WantBody: "missing field: to"},
		{Label: "missing content", Target: moTarget, Body: without("content"), WantStatus: 400, WantBody: "missing field: content"},
		{Label: "malformed", Target: moTarget, Body: "id=%zz", WantStatus: 400, WantBody: "malformed"},
		{Label: "bad phone", Target: moTarget, Body: with("from", "0670000706"), WantStatus: 400, WantBody: "from is not a phone number"},
		{Label: "wrong coding", Target: moTarget, Body: with("coding", "4"), WantStatus: 400, WantBody: "unsupported coding"},
		{Label: "content and binary differ", Target: moTarget, Body: with("binary", "41"), WantStatus: 400, WantBody: "content and binary differ"},
		{Label: "oversized text", Target: moTarget, Body: moForm("mo-7", "237670000707", strings.Repeat("a", MaxText+1)).Encode(), WantStatus: 413, WantBody: "too long"},
		{Label: "repeated keys", Target: moTarget, Body: moForm("mo-8", "237670000708", "Bonjour").Encode() + "&from=237670000799", WantStatus: 400, WantBody: "repeated field: from"},
	})
	s.Outbox.Drain(t)
	sent := f.received()
	sort.Slice(sent, func(i, j int) bool { return sent[i].To < sent[j].To }) // sent concurrently
	if len(sent) != 2 {
		t.Fatalf("%d SMS sent, want 2 (refused requests send nothing)", len(sent))
	}
	for i, to := range []string{"+237670000701", "+237670000702"} {
		if sent[i].To != to || sent[i].From != "8123" || !strings.HasPrefix(sent[i].Text, "Bienvenue / Welcome\n1. Français\n2. English") {
			t.Fatalf("send %d = %+v", i, sent[i])
		}
	}
	for _, secret := range []string{testToken, fakePassword, "670000701", "670000702", "Bonjour"} {
		if strings.Contains(s.Logs.String(), secret) {
			t.Fatalf("logs carry %q", secret)
		}
	}
}

// TestMORetryChangesNothing: Jasmin posting a stored message again (same
// id, as it does when our ACK was lost) is acknowledged, stores nothing and
// sends nothing twice.
func TestMORetryChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFakeJasmin(t, nil)
	s := gateway(t, f, nil)
	body := moForm("mo-r1", "237670000801", "Bonjour").Encode()
	if st, b, _ := s.Post(t, moTarget, body, nil); st != 200 || b != Ack {
		t.Fatalf("first post: %d %q", st, b)
	}
	s.Outbox.Drain(t)
	before := s.Snapshot(t, nil)
	if st, b, _ := s.Post(t, moTarget, body, nil); st != 200 || b != Ack {
		t.Fatalf("retry: %d %q", st, b)
	}
	s.Outbox.Drain(t)
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatal("a retried post changed something")
	}
	if sent := f.received(); len(sent) != 1 || sent[0].To != "+237670000801" {
		t.Fatalf("sent %+v: want the reply once", sent)
	}
}

// TestMOStoreFailure: when the hop cannot be stored, Jasmin gets no ACK
// (503), so it posts again; nothing was stored or sent, and the post that
// follows once the store is back is the one that counts.
func TestMOStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFakeJasmin(t, nil)
	var fl *providertest.Flaky
	s := gateway(t, f, func(_ *apptest.App, c *web.Config) {
		fl = &providertest.Flaky{Next: c.Conversations}
		c.Conversations = fl
	})
	body := moForm("mo-f1", "237670000901", "Bonjour").Encode()
	s.Outbox.Drain(t) // the outbox's own keys exist before the post
	before := s.Snapshot(t, nil)
	fl.Down.Store(true)
	st, b, _ := s.Post(t, moTarget, body, nil)
	if st != 503 || strings.Contains(b, Ack) {
		t.Fatalf("store down: %d %q, want 503 without ACK", st, b)
	}
	s.Outbox.Drain(t)
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) || len(f.received()) != 0 {
		t.Fatal("a post that was not acknowledged stored or sent something")
	}
	fl.Down.Store(false)
	if st, b, _ := s.Post(t, moTarget, body, nil); st != 200 || b != Ack {
		t.Fatalf("store back: %d %q", st, b)
	}
	s.Outbox.Drain(t)
	if sent := f.received(); len(sent) != 1 {
		t.Fatalf("sent %+v: want the reply once", sent)
	}
}

// failingStatuses is a store that cannot record delivery reports.
type failingStatuses struct{}

func (failingStatuses) RecordStatus(context.Context, msg.Status) error {
	return errors.New("store down")
}
func (failingStatuses) SetOptOut(context.Context, msg.PersonID, bool) error {
	return errors.New("store down")
}

// TestDLRCannedRequests: receipts are recorded against the outbox's record
// of the message (by our id in the dlr-url, else by Jasmin's), and
// acknowledged only once recorded.
func TestDLRCannedRequests(t *testing.T) {
	t.Parallel()
	f := newFakeJasmin(t, nil)
	s := gateway(t, f, nil)
	if st, _, _ := s.Post(t, moTarget, moForm("mo-d1", "237670000601", "Bonjour").Encode(), nil); st != 200 {
		t.Fatalf("inbound: %d", st)
	}
	s.Outbox.Drain(t)
	sent := f.received()
	if len(sent) != 1 {
		t.Fatalf("sent %+v", sent)
	}
	dlr, err := url.Parse(sent[0].DLRURL)
	if err != nil || dlr.Path != DLRPath || dlr.Query().Get("token") != testToken {
		t.Fatalf("dlr-url %q", sent[0].DLRURL)
	}
	mid, jid := dlr.Query().Get("mid"), sent[0].ID
	target := dlr.RequestURI()
	receiptOf := func(level, status, errCode string) string {
		r := receipt(level, status, errCode)
		r.Set("id", jid)
		return r.Encode()
	}
	s.Run(t, []providertest.Case{
		{Label: "submission accepted", Target: target, Body: receiptOf("1", "ESME_ROK", ""), WantStatus: 200, WantBody: Ack},
		{Label: "delivered", Target: target, Body: receiptOf("2", "DELIVRD", "000"), WantStatus: 200, WantBody: Ack},
		{Label: "late level 1 after delivery", Target: target, Body: receiptOf("1", "ESME_ROK", ""), WantStatus: 200, WantBody: Ack},
		{Label: "posted again", Target: target, Body: receiptOf("2", "DELIVRD", "000"), WantStatus: 200, WantBody: Ack},
		{Label: "without our id", Target: DLRPath + "?token=" + testToken, Body: receiptOf("2", "DELIVRD", "000"), WantStatus: 200, WantBody: Ack},
		{Label: "missing token", Target: DLRPath + "?mid=" + mid, Body: receiptOf("2", "UNDELIV", "000"), WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Target: DLRPath + "?token=x&mid=" + mid, Body: receiptOf("2", "UNDELIV", "000"), WantStatus: 403, WantBody: "bad token"},
		{Label: "unknown status", Target: target, Body: receiptOf("2", "LOST", "000"), WantStatus: 400, WantBody: "unknown message_status"},
		{Label: "missing id", Target: target, Body: "message_status=DELIVRD", WantStatus: 400, WantBody: "missing field: id"},
		{Label: "missing status", Target: target, Body: "id=" + jid, WantStatus: 400, WantBody: "missing field: message_status"},
		{Label: "repeated status", Target: target, Body: receiptOf("2", "DELIVRD", "000") + "&message_status=UNDELIV", WantStatus: 400, WantBody: "repeated field: message_status"},
		{Label: "repeated mid", Target: target + "&mid=other", Body: receiptOf("2", "UNDELIV", "000"), WantStatus: 400, WantBody: "repeated field: mid"},
	})
	got, err := s.Store.Status(context.Background(), mid)
	if err != nil || got.State != msg.Delivered || got.ProviderID != jid || got.Provider != Provider {
		t.Fatalf("status of %s = %+v, %v; want delivered", mid, got, err)
	}
	st, err := s.Store.OutboxStats(context.Background(), s.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Lanes[msg.LaneConversation]; c.Sent != 1 || c.Delivered != 1 {
		t.Fatalf("conversation lane %+v: want 1 sent, 1 delivered (counted once)", c)
	}
}

func TestDLRStoreFailure(t *testing.T) {
	t.Parallel()
	s := gateway(t, newFakeJasmin(t, nil), func(_ *apptest.App, c *web.Config) { c.Statuses = failingStatuses{} })
	st, b, _ := s.Post(t, DLRPath+"?token="+testToken+"&mid=0a1b", receipt("2", "DELIVRD", "000").Encode(), nil)
	if st != 503 || strings.Contains(b, Ack) {
		t.Fatalf("store down: %d %q, want 503 without ACK", st, b)
	}
}

// TestRoutesOffWithoutToken: without PASSERELLE_JASMIN_TOKEN nothing is
// mounted.
func TestRoutesOffWithoutToken(t *testing.T) {
	t.Parallel()
	l := providertest.Load(t, Factory, map[string]string{"PASSERELLE_JASMIN_SEND_URL": "http://jasmin:1401/send", "PASSERELLE_JASMIN_USERNAME": "u",
		"PASSERELLE_JASMIN_PASSWORD": "p"}, "https://gw.example.org")
	s := providertest.New(t, l.P.Routes(), nil)
	for _, path := range []string{moTarget, DLRPath + "?token=" + testToken} {
		if st, _, _ := s.Post(t, path, moForm("mo-o1", "237670000501", "x").Encode(), nil); st != 404 {
			t.Errorf("%s: %d, want 404", path, st)
		}
	}
}
