package africastalking

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// Africa's Talking API hosts.
const (
	Live    = "https://api.africastalking.com"
	Sandbox = "https://api.sandbox.africastalking.com"
)

// SendConfig configures an Africa's Talking sender.
type SendConfig struct {
	Username string // required; "sandbox" on the sandbox
	APIKey   string // required
	// From is the sender id or short code; empty uses the account default.
	From string
	// BaseURL is the API base: Live (the default),
	// Sandbox or a test server; an absolute http(s) URL
	// without query or fragment, whose path, if any, prefixes
	// /version1/messaging.
	BaseURL string
	// HTTPClient sends the requests. Nil: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Sender sends SMS through Africa's Talking's messaging API.
type Sender struct {
	username, apiKey, from string
	endpoint               string
	client                 *http.Client
}

var _ sender.Sender = (*Sender)(nil)

// NewSender returns an Africa's Talking sender. It returns an error
// when the username or API key is missing or BaseURL is not an absolute
// http(s) URL without query or fragment.
func NewSender(cfg SendConfig) (*Sender, error) {
	if cfg.Username == "" || cfg.APIKey == "" {
		return nil, errors.New("error configuring africastalking: username and API key are required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = Live
	}
	if _, err := sender.ParseBaseURL(base); err != nil {
		return nil, fmt.Errorf("error configuring africastalking base URL: %w", err)
	}
	c := cfg.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: sender.DefaultTimeout}
	}
	return &Sender{
		username: cfg.Username,
		apiKey:   cfg.APIKey,
		from:     cfg.From,
		endpoint: strings.TrimRight(base, "/") + "/version1/messaging",
		client:   c,
	}, nil
}

// Send posts the message and returns Africa's Talking's messageId. Errors
// wrap an *sender.Error: retryable for HTTP 429 and 5xx, network errors, and
// recipient statuses 500 and 501; InvalidNumber for status 403; OptedOut for
// 406 and 409. RetryAfter carries the answer's Retry-After header.
func (a *Sender) Send(ctx context.Context, m msg.Outbound) (sender.Result, error) {
	form := url.Values{"username": {a.username}, "to": {string(m.To)}, "message": {m.Text}}
	if a.from != "" {
		form.Set("from", a.from)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return sender.Result{}, fmt.Errorf("error building request for message %s: %w", m.ID, err)
	}
	req.Header.Set("apiKey", a.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	res, err := a.client.Do(req)
	if err != nil {
		e := &sender.Error{Provider: Provider, Retryable: true, Err: err}
		return sender.Result{}, fmt.Errorf("error sending message %s: %w", m.ID, e)
	}
	return sender.Finish(Provider, m.ID, res, parseATAnswer)
}
