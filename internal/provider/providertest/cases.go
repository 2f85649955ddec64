package providertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// Case is one canned webhook request and what must come of it.
type Case struct {
	Label string
	// Method is the HTTP method (default POST); Target the path and query.
	Method string
	Target string
	// Body is sent with ContentType (default a form; "-" sends none).
	Body        string
	ContentType string
	Headers     map[string]string
	// WantStatus and WantBody (a part of the body) are the answer.
	WantStatus int
	WantBody   string
	// WantContentType, when set, is the start of the answer's type.
	WantContentType string
	// WantMessage, when set, is the message the hop must have handed the
	// conversation service (Received is not compared). A case whose
	// status is not 2xx must not reach the service at all.
	WantMessage *msg.Inbound
}

// Run runs every case as a subtest, in order (cases may build on each
// other's state).
func (s *Server) Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Label, func(t *testing.T) { s.Check(t, c) })
	}
}

// Check sends one canned request and checks the answer, and the message
// handed to the conversation service.
func (s *Server) Check(tb testing.TB, c Case) {
	tb.Helper()
	method, ct := c.Method, c.ContentType
	if method == "" {
		method = http.MethodPost
	}
	switch ct {
	case "":
		ct = "application/x-www-form-urlencoded"
	case "-":
		ct = ""
	}
	before, _ := s.Hops()
	st, body, hdr := s.Do(tb, Request(method, c.Target, c.Body, ct, c.Headers))
	if st != c.WantStatus || !strings.Contains(body, c.WantBody) {
		tb.Fatalf("got %d %q, want %d containing %q", st, body, c.WantStatus, c.WantBody)
	}
	if c.WantContentType != "" && !strings.HasPrefix(hdr.Get("Content-Type"), c.WantContentType) {
		tb.Fatalf("content type %q, want %q", hdr.Get("Content-Type"), c.WantContentType)
	}
	after, last := s.Hops()
	if st >= 300 && after != before {
		tb.Fatalf("a refused request (%d) reached the conversation service", st)
	}
	if c.WantMessage != nil {
		if after == before || last == nil {
			tb.Fatal("no message reached the conversation service")
		}
		got := *last
		got.Received = c.WantMessage.Received
		if got != *c.WantMessage {
			tb.Fatalf("message %+v, want %+v", got, *c.WantMessage)
		}
	}
}
