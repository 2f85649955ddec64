package fakesms_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

const (
	testSID      = "AC0123456789abcdef0123456789abcdef"
	testToken    = "0123456789abcdef0123456789abcdef"
	testFrom     = "+15005550006"
	testTo       = msg.Address("+237670000001")
	testCallback = "https://gw.example.test/sms/twilio/status"
)

// message is the n-th test message.
func message(n int) msg.Outbound {
	return msg.Outbound{ID: fmt.Sprintf("m-%d", n), To: testTo, Text: fmt.Sprintf("Bonjour %d", n)}
}

// fake is what the tests use of either fake.
type fake interface {
	URL() string
	SetHandler(func(n int, m fakesms.Message) fakesms.Response)
	Received() []fakesms.Message
	Count() int
	Attempts() int
	WaitFor(tb testing.TB, n int, timeout time.Duration) []fakesms.Message
	Close()
}

// provider starts a fake and the real sender pointed at it.
type provider struct {
	name string
	new  func(t *testing.T) (fake, sender.Sender)
}

var providers = []provider{
	{"twilio", func(t *testing.T) (fake, sender.Sender) {
		f := fakesms.NewTwilio(t)
		s, err := twilio.NewSender(twilio.SendConfig{
			AccountSID: testSID, AuthToken: testToken, From: testFrom,
			StatusCallback: testCallback, BaseURL: f.URL(),
		})
		if err != nil {
			t.Fatalf("NewTwilio: %v", err)
		}
		return f, s
	}},
	{"africastalking", func(t *testing.T) (fake, sender.Sender) {
		f := fakesms.NewAfricasTalking(t)
		s, err := africastalking.NewSender(africastalking.SendConfig{
			Username: "sandbox", APIKey: "at-test-key-0123456789", From: "PASSERELLE", BaseURL: f.URL(),
		})
		if err != nil {
			t.Fatalf("NewAfricasTalking: %v", err)
		}
		return f, s
	}},
}

// forEachProvider runs test once per provider, in parallel.
func forEachProvider(t *testing.T, test func(t *testing.T, p provider)) {
	t.Helper()
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			test(t, p)
		})
	}
}

func TestReceivedRecordsTheMessage(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, s := p.new(t)
		before := time.Now()
		res, err := s.Send(context.Background(), message(1))
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := f.WaitFor(t, 1, 5*time.Second)
		if len(got) != 1 || f.Count() != 1 || f.Attempts() != 1 {
			t.Fatalf("received %+v, count %d, attempts %d", got, f.Count(), f.Attempts())
		}
		m := got[0]
		if m.ID == "" || m.ID != res.ProviderID || m.To != string(testTo) || m.Body != "Bonjour 1" || m.At.Before(before) {
			t.Fatalf("received %+v; sender got %+v", m, res)
		}
		wantFrom, wantCallback := "PASSERELLE", ""
		if p.name == "twilio" {
			wantFrom, wantCallback = testFrom, testCallback+"?mid=m-1"
		}
		if m.From != wantFrom || m.StatusCallback != wantCallback {
			t.Fatalf("received From %q StatusCallback %q, want %q %q", m.From, m.StatusCallback, wantFrom, wantCallback)
		}
	})
}

// outcome is what one Send must give.
type outcome struct {
	ok, retryable, optedOut, invalid bool
	code                             string // sender.Error.Code; "" not checked
	retryAfter                       time.Duration
}

// check fails t unless err matches o.
func (o outcome) check(t *testing.T, i int, err error) {
	t.Helper()
	if o.ok {
		if err != nil {
			t.Fatalf("send %d: %v, want success", i, err)
		}
		return
	}
	var e *sender.Error
	if !errors.As(err, &e) {
		t.Fatalf("send %d: err = %v, want a *sender.Error", i, err)
	}
	if sender.IsRetryable(err) != o.retryable || sender.IsOptedOut(err) != o.optedOut ||
		sender.IsInvalidNumber(err) != o.invalid || sender.RetryAfterOf(err) != o.retryAfter ||
		(o.code != "" && e.Code != o.code) {
		t.Fatalf("send %d: err = %v (%+v), want %+v", i, err, *e, o)
	}
}

func TestScriptedAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		provider  string // "" for both
		script    []fakesms.Response
		want      []outcome // one per send
		wantCount int
	}{
		{"success", "", []fakesms.Response{fakesms.OK()}, []outcome{{ok: true}}, 1},
		{"503 then 201", "", []fakesms.Response{fakesms.Fail(503, 0), fakesms.OK()},
			[]outcome{{retryable: true}, {ok: true}}, 1},
		{"429 with Retry-After", "", []fakesms.Response{fakesms.RateLimited("7"), fakesms.OK()},
			[]outcome{{retryable: true, retryAfter: 7 * time.Second}, {ok: true}}, 1},
		{"429 with garbage Retry-After", "", []fakesms.Response{fakesms.RateLimited("later")},
			[]outcome{{retryable: true}}, 0},
		{"503 with Retry-After", "", []fakesms.Response{{Status: 503, RetryAfter: "120"}},
			[]outcome{{retryable: true, retryAfter: 2 * time.Minute}}, 0},
		{"twilio opted out", "twilio", []fakesms.Response{fakesms.Fail(400, 21610)},
			[]outcome{{optedOut: true, code: "21610"}}, 0},
		{"twilio invalid number, default status", "twilio", []fakesms.Response{fakesms.Fail(0, 21211)},
			[]outcome{{invalid: true, code: "21211"}}, 0},
		{"twilio rate limit code", "twilio", []fakesms.Response{fakesms.RateLimited("")},
			[]outcome{{retryable: true, code: "20429"}}, 0},
		{"twilio default code", "twilio", []fakesms.Response{fakesms.Fail(500, 0)},
			[]outcome{{retryable: true, code: "20500"}}, 0},
		{"twilio auth failure", "twilio", []fakesms.Response{fakesms.Fail(401, 20003)},
			[]outcome{{code: "20003"}}, 0},
		{"at blacklist", "africastalking", []fakesms.Response{fakesms.Fail(201, 406)},
			[]outcome{{optedOut: true, code: "406"}}, 0},
		{"at do not disturb", "africastalking", []fakesms.Response{fakesms.Fail(0, 409)},
			[]outcome{{optedOut: true, code: "409"}}, 0},
		{"at invalid phone on http 400", "africastalking", []fakesms.Response{fakesms.Fail(400, 403)},
			[]outcome{{invalid: true, code: "403"}}, 0},
		{"at recipient 500 then 501 then success", "africastalking",
			[]fakesms.Response{fakesms.Fail(201, 500), fakesms.Fail(201, 501), fakesms.OK()},
			[]outcome{{retryable: true, code: "500"}, {retryable: true, code: "501"}, {ok: true}}, 1},
		{"at queued", "africastalking", []fakesms.Response{{Code: 102}}, []outcome{{ok: true}}, 1},
		{"at insufficient balance", "africastalking", []fakesms.Response{fakesms.Fail(201, 405)},
			[]outcome{{code: "405"}}, 0},
	}
	for _, c := range cases {
		for _, p := range providers {
			if c.provider != "" && c.provider != p.name {
				continue
			}
			t.Run(c.name+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				f, s := p.new(t)
				f.SetHandler(fakesms.Sequence(c.script...))
				for i, o := range c.want {
					_, err := s.Send(context.Background(), message(i+1))
					o.check(t, i+1, err)
				}
				if f.Count() != c.wantCount || f.Attempts() != len(c.want) || len(f.Received()) != c.wantCount {
					t.Fatalf("count %d, attempts %d, received %d; want %d, %d", f.Count(), f.Attempts(), len(f.Received()), c.wantCount, len(c.want))
				}
			})
		}
	}
}

func TestHandlerSeesEveryRequest(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, s := p.new(t)
		var (
			mu   sync.Mutex
			seen []string
		)
		f.SetHandler(func(n int, m fakesms.Message) fakesms.Response {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, fmt.Sprintf("%d:%s", n, m.Body))
			if n == 2 {
				return fakesms.Fail(503, 0)
			}
			return fakesms.OK()
		})
		for i := 1; i <= 3; i++ {
			_, _ = s.Send(context.Background(), message(i))
		}
		mu.Lock()
		got := strings.Join(seen, ",")
		mu.Unlock()
		if got != "1:Bonjour 1,2:Bonjour 2,3:Bonjour 3" {
			t.Fatalf("handler saw %s", got)
		}
		received := f.Received()
		if len(received) != 2 || received[0].Body != "Bonjour 1" || received[1].Body != "Bonjour 3" || received[0].ID == received[1].ID {
			t.Fatalf("received %+v", received)
		}
		f.SetHandler(nil) // back to OK
		if _, err := s.Send(context.Background(), message(4)); err != nil || f.Count() != 3 {
			t.Fatalf("after SetHandler(nil): %v, count %d", err, f.Count())
		}
	})
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, s := p.new(t)
		const n = 40
		f.SetHandler(func(i int, _ fakesms.Message) fakesms.Response {
			if i%4 == 0 {
				return fakesms.Fail(503, 0)
			}
			return fakesms.Response{Delay: time.Millisecond}
		})
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := s.Send(context.Background(), message(i))
				errs <- err
			}()
		}
		failed := 0
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				if !sender.IsRetryable(err) {
					t.Errorf("Send: %v", err)
				}
				failed++
			}
		}
		got := f.WaitFor(t, n-failed, 5*time.Second)
		ids := map[string]bool{}
		for _, m := range got {
			ids[m.ID] = true
		}
		if failed != n/4 || len(got) != n-failed || len(ids) != len(got) || f.Attempts() != n {
			t.Fatalf("%d failed, %d received (%d ids), %d attempts", failed, len(got), len(ids), f.Attempts())
		}
	})
}

func TestDelayHonoursTheRequestContext(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, s := p.new(t)
		f.SetHandler(func(int, fakesms.Message) fakesms.Response { return fakesms.Response{Delay: time.Minute} })
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := s.Send(ctx, message(1))
		if !sender.IsRetryable(err) || time.Since(start) > 10*time.Second {
			t.Fatalf("Send = %v after %v, want a retryable timeout", err, time.Since(start))
		}
		if f.Count() != 0 || f.Attempts() != 1 {
			t.Fatalf("count %d, attempts %d", f.Count(), f.Attempts())
		}
	})
}

func TestCloseCutsPendingDelays(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, s := p.new(t)
		f.SetHandler(func(int, fakesms.Message) fakesms.Response { return fakesms.Response{Delay: time.Hour} })
		done := make(chan error, 1)
		go func() {
			_, err := s.Send(context.Background(), message(1))
			done <- err
		}()
		waitUntil(t, func() bool { return f.Attempts() == 1 })
		closed := make(chan struct{})
		go func() {
			f.Close()
			close(closed)
		}()
		for _, ch := range []<-chan struct{}{closed, errDone(done, t)} {
			select {
			case <-ch:
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not end the pending delay")
			}
		}
		f.Close() // again: nothing happens
	})
}

// errDone returns a channel closed once done yields a retryable error.
func errDone(done <-chan error, t *testing.T) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		err := <-done
		if !sender.IsRetryable(err) {
			t.Errorf("Send = %v, want a retryable network error", err)
		}
		close(ch)
	}()
	return ch
}

// waitUntil polls cond for up to 10 s.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recordingTB records a failure instead of ending the test.
type recordingTB struct {
	testing.TB
	failure string
}

func (r *recordingTB) Fatalf(format string, a ...any) { r.failure = fmt.Sprintf(format, a...) }

func TestWaitForTimesOut(t *testing.T) {
	t.Parallel()
	forEachProvider(t, func(t *testing.T, p provider) {
		f, _ := p.new(t)
		tb := &recordingTB{TB: t}
		start := time.Now()
		if got := f.WaitFor(tb, 1, 50*time.Millisecond); got != nil || !strings.Contains(tb.failure, "accepted 0 messages") {
			t.Fatalf("WaitFor = %v, failure %q", got, tb.failure)
		}
		if time.Since(start) < 50*time.Millisecond {
			t.Fatal("WaitFor returned before its timeout")
		}
	})
}

// rawPost posts form to url with header and returns the status and body.
func rawPost(t *testing.T, url, form string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}
