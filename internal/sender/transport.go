package sender

import (
	"context"
	"net/http"
	"net/url"
)

// sendTransport is the http.RoundTripper of one Twilio send. twilio-go v1.31
// builds its requests with context.Background(), so the transport attaches
// the send's context; it points requests at a test server when base is set,
// and records the last HTTP status so errors twilio-go could not decode still
// carry it.
type sendTransport struct {
	ctx    context.Context
	base   *url.URL // scheme and host to send to instead; nil keeps the request's
	next   http.RoundTripper
	status int
}

// RoundTrip sends req with the send's context, to base if set.
func (t *sendTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(t.ctx)
	if t.base != nil {
		req.URL.Scheme = t.base.Scheme
		req.URL.Host = t.base.Host
		req.Host = t.base.Host
	}
	res, err := t.next.RoundTrip(req)
	if res != nil {
		t.status = res.StatusCode
	}
	return res, err
}

// transportOf returns c's transport, or http.DefaultTransport.
func transportOf(c *http.Client) http.RoundTripper {
	if c != nil && c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}
