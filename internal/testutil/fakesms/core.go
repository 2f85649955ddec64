package fakesms

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// maxRequest bounds the body a fake reads.
const maxRequest = 1 << 20

// core is what both fakes share: the server, the scripted handler and the
// record of requests and accepted messages.
type core struct {
	name string // "twilio" or "africastalking", for failure messages
	srv  *httptest.Server

	done      chan struct{} // closed by close: pending delays end
	closeOnce sync.Once

	mu       sync.Mutex
	handler  func(n int, m Message) Response // nil answers OK
	attempts int
	msgs     []Message
	changed  chan struct{} // closed and replaced whenever msgs grows
}

// start serves h on a loopback httptest server closed when tb ends.
func (c *core) start(tb testing.TB, name string, h http.Handler) {
	tb.Helper()
	c.name = name
	c.done = make(chan struct{})
	c.changed = make(chan struct{})
	c.srv = httptest.NewServer(h)
	tb.Cleanup(c.close)
}

// close ends pending delays, then closes the server; it may be called
// again.
func (c *core) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.srv.Close()
	})
}

// setHandler replaces the scripted handler; nil answers OK.
func (c *core) setHandler(h func(n int, m Message) Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handler = h
}

// begin counts a request and returns its 1-based number and the handler.
func (c *core) begin() (int, func(n int, m Message) Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.attempts++
	h := c.handler
	if h == nil {
		h = func(int, Message) Response { return OK() }
	}
	return c.attempts, h
}

// accept records an accepted message and wakes WaitFor.
func (c *core) accept(m Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	close(c.changed)
	c.changed = make(chan struct{})
}

// received returns a copy of the accepted messages.
func (c *core) received() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.msgs...)
}

// count returns how many messages were accepted.
func (c *core) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs)
}

// attemptCount returns how many requests reached the messaging endpoint.
func (c *core) attemptCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts
}

// waitFor waits until n messages were accepted and returns them all; it
// fails tb after timeout.
func (c *core) waitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		c.mu.Lock()
		if len(c.msgs) >= n {
			out := append([]Message(nil), c.msgs...)
			c.mu.Unlock()
			return out
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			tb.Fatalf("fakesms: %s accepted %d messages in %v (%d requests), want %d", c.name, c.count(), timeout, c.attemptCount(), n)
			return nil
		}
	}
}

// sleep waits d before an answer. It returns false when the client gave up
// first (answer nothing); when the fake is closed first it cuts the
// connection, as a provider going away would.
func (c *core) sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-c.done:
		panic(http.ErrAbortHandler)
	}
}

// setRetryAfter sets the Retry-After header of res, if any.
func setRetryAfter(w http.ResponseWriter, res Response) {
	if res.RetryAfter != "" {
		w.Header().Set("Retry-After", res.RetryAfter)
	}
}

// is2xx reports whether status is a success.
func is2xx(status int) bool { return status >= 200 && status <= 299 }
