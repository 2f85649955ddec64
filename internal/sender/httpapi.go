package sender

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// DefaultTimeout bounds one provider request when no http.Client is given.
const DefaultTimeout = 10 * time.Second

// MaxAnswer bounds how much of a provider's answer is read.
const MaxAnswer = 64 << 10

// Client returns c, or a client with DefaultTimeout when c is nil.
func Client(c *http.Client) *http.Client {
	if c == nil {
		return &http.Client{Timeout: DefaultTimeout}
	}
	return c
}

// ParseHTTPURL parses an absolute http or https URL.
func ParseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("error parsing URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("error parsing URL %q: want an absolute http(s) URL", s)
	}
	return u, nil
}

// ParseBaseURL parses an API base: an absolute http or https URL without
// query or fragment, whose path, if any, prefixes the API's paths.
func ParseBaseURL(s string) (*url.URL, error) {
	u, err := ParseHTTPURL(s)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("error parsing URL %q: want no query or fragment", s)
	}
	return u, nil
}

// RetryableStatus reports whether an HTTP status asks to try again later.
func RetryableStatus(status int) bool {
	return status == 429 || status >= 500
}

// IsNetwork reports whether err is a transport failure or a timeout, after
// which the provider may not have seen the request.
func IsNetwork(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// Snippet returns the start of a provider answer, for error messages.
func Snippet(body []byte) string {
	const max = 200
	if len(body) > max {
		return string(body[:max]) + "…"
	}
	return string(body)
}

// readAnswer reads at most MaxAnswer bytes of a provider's answer and its
// Retry-After, closing the body.
func readAnswer(res *http.Response) ([]byte, time.Duration, error) {
	defer res.Body.Close()
	after := ParseRetryAfter(res.Header.Get("Retry-After"), time.Now())
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxAnswer))
	return body, after, err
}

// Finish reads a provider's answer to message id and turns it into a
// Result through parse (the provider's id of the message, or its refusal);
// an answer that cannot be read is retryable. Any refusal carries the
// answer's Retry-After.
func Finish(provider, id string, res *http.Response, parse func(status int, body []byte) (string, *Error)) (Result, error) {
	body, after, err := readAnswer(res)
	if err != nil {
		e := &Error{Provider: provider, Status: res.StatusCode, Retryable: true, RetryAfter: after, Err: err}
		return Result{}, fmt.Errorf("error reading answer to message %s: %w", id, e)
	}
	pid, e := parse(res.StatusCode, body)
	if e != nil {
		e.RetryAfter = after
		return Result{}, fmt.Errorf("error sending message %s: %w", id, e)
	}
	return Result{ProviderID: pid}, nil
}
