package kannel

import (
	"context"
	"errors"
	"net/http"
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

// gateway is Passerelle with the Kannel provider as its settings make it,
// behind the real web server, its outbox sending through the fake f.
func gateway(t *testing.T, f *fakeKannel, mod func(a *apptest.App, c *web.Config)) *providertest.Server {
	t.Helper()
	l := providertest.Load(t, Factory, map[string]string{"PASSERELLE_KANNEL_TOKEN": testToken, "PASSERELLE_KANNEL_SEND_URL": f.sendURL(),
		"PASSERELLE_KANNEL_USERNAME": fakeUser, "PASSERELLE_KANNEL_PASSWORD": fakePassword, "PASSERELLE_KANNEL_FROM": "8123"},
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

// moURL is the get-url as Kannel calls it for q.
func moURL(q url.Values) string { return MOPath + "?token=" + testToken + "&" + q.Encode() }

func inbound(id, from, text string) *msg.Inbound {
	return &msg.Inbound{Channel: msg.SMS, Provider: Provider, From: msg.Address(from), To: "8123", Text: text,
		ExternalID: id, ReplyOutOfBand: true}
}

func TestMOCannedRequests(t *testing.T) {
	t.Parallel()
	f := newFakeKannel(t, nil)
	s := gateway(t, f, nil)
	without := func(k string) string { q := moQuery("mo-x", "237670000709", "x"); q.Del(k); return moURL(q) }
	with := func(k, v string) string { q := moQuery("mo-x", "237670000709", "x"); q.Set(k, v); return moURL(q) }
	get, noBody := http.MethodGet, "-"
	s.Run(t, []providertest.Case{
		{Label: "first message (GET)", Method: get, ContentType: noBody, Target: moURL(moQuery("mo-1", "237670000701", "Bonjour")),
			WantStatus: 200, WantMessage: inbound("mo-1", "+237670000701", "Bonjour")},
		{Label: "ucs-2 message (POST)", ContentType: noBody, Target: moURL(ucs2Query("mo-2", "+237670000702", []byte("\x00\xc7\x00a\x00 \x00v\x00a"))),
			WantStatus: 200, WantMessage: inbound("mo-2", "+237670000702", "Ça va")},
		{Label: "missing token", Method: get, ContentType: noBody, Target: MOPath + "?" + moQuery("mo-3", "237670000703", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Method: get, ContentType: noBody, Target: MOPath + "?token=" + testToken + "x&" + moQuery("mo-4", "237670000704", "Bonjour").Encode(), WantStatus: 403, WantBody: "bad token"},
		{Label: "token in the body", Target: MOPath + "?" + moQuery("mo-5", "237670000705", "Bonjour").Encode(), Body: "token=" + testToken, WantStatus: 403, WantBody: "bad token"},
		{Label: "missing id", Method: get, ContentType: noBody, Target: without("id"), WantStatus: 400, WantBody: "missing field: id"},
		{Label: "missing from", Method: get, ContentType: noBody, Target: without("from"), WantStatus: 400, WantBody: "missing field: from"},
		{Label: "missing to", Method: get, ContentType: noBody, Target: without("to"), WantStatus: 400, WantBody: "missing field: to"},
		{Label: "missing text", Method: get, ContentType: noBody, Target: without("text"), WantStatus: 400, WantBody: "missing field: text"},
		{Label: "bad phone", Method: get, ContentType: noBody, Target: with("from", "0670000706"), WantStatus: 400, WantBody: "from is not a phone number"},
		{Label: "wrong coding", Method: get, ContentType: noBody, Target: with("coding", "1"), WantStatus: 400, WantBody: "unsupported coding"},
		{Label: "wrong charset", Method: get, ContentType: noBody, Target: with("charset", "BIG5"), WantStatus: 400, WantBody: "unsupported charset"},
		{Label: "oversized text", Method: get, ContentType: noBody, Target: moURL(moQuery("mo-7", "237670000707", strings.Repeat("a", MaxText+1))), WantStatus: 413, WantBody: "too long"},
		{Label: "repeated keys", Method: get, ContentType: noBody, Target: moURL(moQuery("mo-8", "237670000708", "Bonjour")) + "&from=237670000799", WantStatus: 400, WantBody: "repeated field: from"},
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

// TestMOAnswerIsEmpty: Kannel sends the body of the answer as an SMS, so
// an accepted message is answered with nothing at all.
func TestMOAnswerIsEmpty(t *testing.T) {
	t.Parallel()
	s := gateway(t, newFakeKannel(t, nil), nil)
	st, body, _ := s.Do(t, providertest.Request(http.MethodGet, moURL(moQuery("mo-e1", "237670000711", "Bonjour")), "", "", nil))
	if st != 200 || body != "" {
		t.Fatalf("answer %d %q, want 200 with an empty body", st, body)
	}
}

// TestMORetryChangesNothing: smsbox calling the get-url again for a stored
// message (same %I, as http-request-retry does) changes nothing and sends
// nothing twice.
func TestMORetryChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFakeKannel(t, nil)
	s := gateway(t, f, nil)
	req := func() *http.Request {
		return providertest.Request(http.MethodGet, moURL(moQuery("mo-r1", "237670000801", "Bonjour")), "", "", nil)
	}
	if st, b, _ := s.Do(t, req()); st != 200 || b != "" {
		t.Fatalf("first call: %d %q", st, b)
	}
	s.Outbox.Drain(t)
	before := s.Snapshot(t, nil)
	if st, b, _ := s.Do(t, req()); st != 200 || b != "" {
		t.Fatalf("retry: %d %q", st, b)
	}
	s.Outbox.Drain(t)
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatal("a retried call changed something")
	}
	if sent := f.received(); len(sent) != 1 || sent[0].To != "+237670000801" {
		t.Fatalf("sent %+v: want the reply once", sent)
	}
}

// TestMOStoreFailure: when the hop cannot be stored the answer is 503, so
// that smsbox retries; nothing was stored or sent, and the retry once the
// store is back is the one that counts.
func TestMOStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFakeKannel(t, nil)
	var fl *providertest.Flaky
	s := gateway(t, f, func(_ *apptest.App, c *web.Config) {
		fl = &providertest.Flaky{Next: c.Conversations}
		c.Conversations = fl
	})
	req := func() *http.Request {
		return providertest.Request(http.MethodGet, moURL(moQuery("mo-f1", "237670000901", "Bonjour")), "", "", nil)
	}
	s.Outbox.Drain(t) // the outbox's own keys exist before the call
	before := s.Snapshot(t, nil)
	fl.Down.Store(true)
	if st, _, _ := s.Do(t, req()); st != 503 {
		t.Fatalf("store down: %d, want 503", st)
	}
	s.Outbox.Drain(t)
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) || len(f.received()) != 0 {
		t.Fatal("a call answered 503 stored or sent something")
	}
	fl.Down.Store(false)
	if st, b, _ := s.Do(t, req()); st != 200 || b != "" {
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

// TestDLRCannedRequests: reports, fetched by Kannel at the dlr-url the
// sender wrote with %d filled in, are recorded against the outbox's record
// of the message and answered an empty 200 (smsbox takes nothing else as
// done).
func TestDLRCannedRequests(t *testing.T) {
	t.Parallel()
	f := newFakeKannel(t, nil)
	s := gateway(t, f, nil)
	if st, _, _ := s.Do(t, providertest.Request(http.MethodGet, moURL(moQuery("mo-d1", "237670000601", "Bonjour")), "", "", nil)); st != 200 {
		t.Fatalf("inbound: %d", st)
	}
	s.Outbox.Drain(t)
	sent := f.received()
	if len(sent) != 1 || !strings.HasSuffix(sent[0].DLRURL, "&type=%d") {
		t.Fatalf("sent %+v", sent)
	}
	dlr, err := url.Parse(sent[0].DLRURL)
	if err != nil || dlr.Path != DLRPath || dlr.Query().Get("token") != testToken {
		t.Fatalf("dlr-url %q", sent[0].DLRURL)
	}
	mid := dlr.Query().Get("mid")
	kannelFetch := func(typ string) string { // Kannel fills in %d
		return strings.TrimPrefix(strings.Replace(sent[0].DLRURL, "%d", typ, 1), "https://gw.example.org")
	}
	get, noBody := http.MethodGet, "-"
	s.Run(t, []providertest.Case{
		{Label: "accepted by the smsc", Method: get, ContentType: noBody, Target: kannelFetch("8"), WantStatus: 200},
		{Label: "delivered", Method: get, ContentType: noBody, Target: kannelFetch("1"), WantStatus: 200},
		{Label: "late smsc report after delivery", Method: get, ContentType: noBody, Target: kannelFetch("8"), WantStatus: 200},
		{Label: "fetched again", Method: get, ContentType: noBody, Target: kannelFetch("1"), WantStatus: 200},
		{Label: "missing token", Method: get, ContentType: noBody, Target: DLRPath + "?mid=" + mid + "&type=2", WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Method: get, ContentType: noBody, Target: DLRPath + "?token=x&mid=" + mid + "&type=2", WantStatus: 403, WantBody: "bad token"},
		{Label: "unknown type", Method: get, ContentType: noBody, Target: kannelFetch("64"), WantStatus: 400, WantBody: "unknown type"},
		{Label: "missing type", Method: get, ContentType: noBody, Target: DLRPath + "?token=" + testToken + "&mid=" + mid, WantStatus: 400, WantBody: "missing field: type"},
		{Label: "missing mid", Method: get, ContentType: noBody, Target: DLRPath + "?token=" + testToken + "&type=1", WantStatus: 400, WantBody: "missing field: mid"},
		{Label: "repeated type", Method: get, ContentType: noBody, Target: kannelFetch("1") + "&type=2", WantStatus: 400, WantBody: "repeated field: type"},
	})
	got, err := s.Store.Status(context.Background(), mid)
	if err != nil || got.State != msg.Delivered || got.Provider != Provider {
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
	s := gateway(t, newFakeKannel(t, nil), func(_ *apptest.App, c *web.Config) { c.Statuses = failingStatuses{} })
	st, _, _ := s.Do(t, providertest.Request(http.MethodGet, DLRPath+"?token="+testToken+"&mid=0a1b&type=1", "", "", nil))
	if st != 503 {
		t.Fatalf("store down: %d, want 503 (smsbox retries)", st)
	}
}

// TestRoutesOffWithoutToken: without PASSERELLE_KANNEL_TOKEN nothing is
// mounted.
func TestRoutesOffWithoutToken(t *testing.T) {
	t.Parallel()
	l := providertest.Load(t, Factory, map[string]string{"PASSERELLE_KANNEL_SEND_URL": "http://kannel:13013/cgi-bin/sendsms", "PASSERELLE_KANNEL_USERNAME": "u",
		"PASSERELLE_KANNEL_PASSWORD": "p"}, "https://gw.example.org")
	s := providertest.New(t, l.P.Routes(), nil)
	for _, target := range []string{moURL(moQuery("mo-o1", "237670000501", "x")), DLRPath + "?token=" + testToken + "&mid=a&type=1"} {
		if st, _, _ := s.Do(t, providertest.Request(http.MethodGet, target, "", "", nil)); st != 404 {
			t.Errorf("%s: %d, want 404", target, st)
		}
	}
}
