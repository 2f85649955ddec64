package twilio

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// sendTransport is the http.RoundTripper of one Twilio send. twilio-go v1.31
// builds its requests with context.Background(), so the transport attaches
// the send's context; it points requests at another base URL when base is
// set, and records the last HTTP status and Retry-After header, which
// twilio-go does not expose, so errors still carry them.
type sendTransport struct {
	ctx  context.Context
	base *url.URL // scheme, host and path prefix to send to instead; nil keeps the request's
	next http.RoundTripper

	status     int    // status of the last response, 0 if none
	retryAfter string // its Retry-After header
}

// RoundTrip sends req with the send's context, to base if set.
func (t *sendTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(t.ctx)
	if t.base != nil {
		rebase(req, t.base)
	}
	res, err := t.next.RoundTrip(req)
	if res != nil {
		t.status = res.StatusCode
		t.retryAfter = res.Header.Get("Retry-After")
	}
	return res, err
}

// rebase points req at base: its scheme and host, and its path as a prefix
// of req's path (https://proxy.example/twilio + /2010-04-01/… gives
// https://proxy.example/twilio/2010-04-01/…).
func rebase(req *http.Request, base *url.URL) {
	req.URL.Scheme = base.Scheme
	req.URL.Host = base.Host
	req.Host = base.Host
	if prefix := strings.TrimSuffix(base.Path, "/"); prefix != "" {
		req.URL.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + req.URL.EscapedPath()
		req.URL.Path = prefix + req.URL.Path
	}
}

// transportOf returns c's transport, or http.DefaultTransport.
func transportOf(c *http.Client) http.RoundTripper {
	if c != nil && c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
