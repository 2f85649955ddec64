package africastalking

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/sender/sendertest"
)

// atSend is one request the fake Africa's Talking API received.
type atSend struct {
	APIKey, Accept, ContentType string
	Username, To, Message, From string
}

// fakeAT is an httptest stand-in for POST /version1/messaging.
type fakeAT struct {
	srv *httptest.Server

	mu    sync.Mutex
	sends []atSend
}

// newFakeAT starts a fake Africa's Talking API answering status and body.
func newFakeAT(tb testing.TB, status int, body string) *fakeAT {
	tb.Helper()
	return newFakeATHeader(tb, status, body, nil)
}

// newFakeATHeader starts a fake Africa's Talking API answering status, header
// and body.
func newFakeATHeader(tb testing.TB, status int, body string, header http.Header) *fakeAT {
	tb.Helper()
	f := &fakeAT{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /version1/messaging", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.sends = append(f.sends, atSend{
			APIKey: r.Header.Get("apiKey"), Accept: r.Header.Get("Accept"),
			ContentType: r.Header.Get("Content-Type"),
			Username:    r.PostForm.Get("username"), To: r.PostForm.Get("to"),
			Message: r.PostForm.Get("message"), From: r.PostForm.Get("from"),
		})
		f.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	return f
}

// received returns the requests received so far.
func (f *fakeAT) received() []atSend {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]atSend(nil), f.sends...)
}

// atRecipient is an answer with one recipient of the given status.
func atRecipient(code, status, id string) string {
	return `{"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: XAF 20","Recipients":[{"statusCode":` +
		code + `,"number":"+237670000001","status":"` + status + `","cost":"XAF 20","messageId":"` + id + `"}]}}`
}

func TestNewAfricasTalkingValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  SendConfig
		ok   bool
	}{
		{"defaults", SendConfig{Username: "passerelle", APIKey: "k"}, true},
		{"sandbox", SendConfig{Username: "sandbox", APIKey: "k", BaseURL: Sandbox}, true},
		{"no username", SendConfig{APIKey: "k"}, false},
		{"no key", SendConfig{Username: "passerelle"}, false},
		{"relative base", SendConfig{Username: "passerelle", APIKey: "k", BaseURL: "api.africastalking.com"}, false},
		{"base with query", SendConfig{Username: "passerelle", APIKey: "k", BaseURL: "https://proxy.example.test/at?a=1"}, false},
		{"base with path", SendConfig{Username: "passerelle", APIKey: "k", BaseURL: "https://proxy.example.test/at"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSender(c.cfg); c.ok != (err == nil) {
				t.Fatalf("NewSender err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestAfricasTalkingSend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		body    string
		wantID  string
		wantErr *sender.Error // Provider and Err are not compared
	}{
		{"success", 201, atRecipient("101", "Success", "ATPid_1"), "ATPid_1", nil},
		{"queued", 201, atRecipient("102", "Queued", "ATPid_2"), "ATPid_2", nil},
		{"invalid number", 201, atRecipient("403", "InvalidPhoneNumber", "None"), "",
			&sender.Error{Status: 201, Code: "403", InvalidNumber: true}},
		{"invalid number on http 400", 400, atRecipient("403", "InvalidPhoneNumber", "None"), "",
			&sender.Error{Status: 400, Code: "403", InvalidNumber: true}},
		{"blacklist", 201, atRecipient("406", "UserInBlacklist", "None"), "",
			&sender.Error{Status: 201, Code: "406", OptedOut: true}},
		{"do not disturb", 201, atRecipient("409", "DoNotDisturbRejection", "None"), "",
			&sender.Error{Status: 201, Code: "409", OptedOut: true}},
		{"insufficient balance", 201, atRecipient("405", "InsufficientBalance", "None"), "",
			&sender.Error{Status: 201, Code: "405"}},
		{"recipient gateway error", 201, atRecipient("501", "GatewayError", "None"), "",
			&sender.Error{Status: 201, Code: "501", Retryable: true}},
		{"rejected by gateway", 201, atRecipient("502", "RejectedByGateway", "None"), "",
			&sender.Error{Status: 201, Code: "502"}},
		{"no recipient", 201, `{"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}}`, "",
			&sender.Error{Status: 201, Code: "InvalidSenderId"}},
		{"not json", 201, `Sent`, "", &sender.Error{Status: 201}},
		{"http 500", 500, `Internal Server Error`, "", &sender.Error{Status: 500, Retryable: true}},
		{"http 429", 429, `Too Many Requests`, "", &sender.Error{Status: 429, Retryable: true}},
		{"bad key", 401, `The supplied authentication is invalid`, "", &sender.Error{Status: 401}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeAT(t, c.status, c.body)
			s, err := NewSender(SendConfig{
				Username: "passerelle", APIKey: "atkey", From: "PASSERELLE", BaseURL: fake.srv.URL + "/",
			})
			if err != nil {
				t.Fatalf("NewSender: %v", err)
			}
			res, err := s.Send(context.Background(), sendertest.Msg)
			want := atSend{
				APIKey: "atkey", Accept: "application/json", ContentType: "application/x-www-form-urlencoded",
				Username: "passerelle", To: string(sendertest.To), Message: sendertest.Msg.Text, From: "PASSERELLE",
			}
			if got := fake.received(); len(got) != 1 || got[0] != want {
				t.Fatalf("fake received %+v, want one %+v", got, want)
			}
			if c.wantErr == nil {
				if err != nil || res.ProviderID != c.wantID {
					t.Fatalf("Send = %+v, %v; want %q", res, err, c.wantID)
				}
				return
			}
			var e *sender.Error
			if !errors.As(err, &e) {
				t.Fatalf("Send err = %v, want an *sender.Error", err)
			}
			got := *e
			got.Provider, got.Err = "", nil
			if got != *c.wantErr || e.Provider != Provider {
				t.Fatalf("error = %+v, want %+v", *e, *c.wantErr)
			}
		})
	}
}

func TestAfricasTalkingNetworkErrorIsRetryable(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	s, err := NewSender(SendConfig{Username: "passerelle", APIKey: "k", BaseURL: closed.URL})
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	if _, err := s.Send(context.Background(), sendertest.Msg); !sender.IsRetryable(err) {
		t.Fatalf("Send err = %v, want retryable", err)
	}
}
