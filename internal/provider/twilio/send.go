package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// SendConfig configures a Twilio sender. Credentials are always passed
// here: nothing is read from TWILIO_* environment variables.
type SendConfig struct {
	AccountSID string // required
	AuthToken  string // required
	// From is the sending number; exactly one of From and
	// MessagingServiceSID is required.
	From                string
	MessagingServiceSID string
	// StatusCallback is the absolute URL Twilio posts delivery reports to;
	// each send appends ?mid=<msg.Outbound.ID>. Empty: no callbacks.
	StatusCallback string
	// BaseURL replaces https://api.twilio.com in every Twilio API request:
	// its scheme and host, and its path, if any, as a prefix of the API's
	// (https://proxy.example/twilio sends to
	// https://proxy.example/twilio/2010-04-01/Accounts/…). It must be an
	// absolute http(s) URL without query or fragment. Empty:
	// https://api.twilio.com.
	BaseURL string
	// HTTPClient gives the transport and timeout of requests. Nil: the
	// default transport with a 10 s timeout.
	HTTPClient *http.Client
}

// Sender sends SMS through Twilio's Programmable Messaging REST API.
type Sender struct {
	client   *client.Client // credentials and account; copied for each send
	from     string
	service  string
	callback *url.URL
	base     *url.URL
	next     http.RoundTripper
	timeout  time.Duration
}

var _ sender.Sender = (*Sender)(nil)

// NewSender returns a Twilio sender. It returns an error when the account SID
// or auth token is missing, when not exactly one of From and
// MessagingServiceSID is set, or when StatusCallback or BaseURL is not an
// absolute http(s) URL, or BaseURL carries a query or fragment.
func NewSender(cfg SendConfig) (*Sender, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, errors.New("error configuring twilio: account SID and auth token are required")
	}
	if (cfg.From == "") == (cfg.MessagingServiceSID == "") {
		return nil, errors.New("error configuring twilio: set exactly one of From and MessagingServiceSID")
	}
	t := &Sender{from: cfg.From, service: cfg.MessagingServiceSID, next: transportOf(cfg.HTTPClient), timeout: sender.DefaultTimeout}
	if cfg.HTTPClient != nil {
		t.timeout = cfg.HTTPClient.Timeout
	}
	var err error
	if cfg.StatusCallback != "" {
		if t.callback, err = sender.ParseHTTPURL(cfg.StatusCallback); err != nil {
			return nil, fmt.Errorf("error configuring twilio status callback: %w", err)
		}
	}
	if cfg.BaseURL != "" {
		if t.base, err = sender.ParseBaseURL(cfg.BaseURL); err != nil {
			return nil, fmt.Errorf("error configuring twilio base URL: %w", err)
		}
	}
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{
		Username:   cfg.AccountSID,
		Password:   cfg.AuthToken,
		AccountSid: cfg.AccountSID,
	})
	c, ok := rc.RequestHandler.Client.(*client.Client)
	if !ok {
		return nil, fmt.Errorf("error configuring twilio: unexpected client type %T", rc.RequestHandler.Client)
	}
	t.client = c
	return t, nil
}

// Send creates the message at Twilio and returns its SID. Errors wrap an
// *sender.Error: retryable for 429, code 20429, 5xx and network errors; OptedOut for
// 21610; InvalidNumber for 21211 and 21614. RetryAfter carries the answer's
// Retry-After header.
func (t *Sender) Send(ctx context.Context, m msg.Outbound) (sender.Result, error) {
	params := &openapi.CreateMessageParams{}
	params.SetTo(string(m.To)).SetBody(m.Text)
	if t.from != "" {
		params.SetFrom(t.from)
	} else {
		params.SetMessagingServiceSid(t.service)
	}
	if t.callback != nil {
		params.SetStatusCallback(callbackURL(t.callback, m.ID))
	}
	tr := &sendTransport{ctx: ctx, base: t.base, next: t.next}
	res, err := t.api(tr).CreateMessage(params)
	if err != nil {
		e := twilioError(err, tr.status)
		e.RetryAfter = sender.ParseRetryAfter(tr.retryAfter, time.Now())
		return sender.Result{}, fmt.Errorf("error sending message %s: %w", m.ID, e)
	}
	if res.Sid == nil || *res.Sid == "" {
		e := &sender.Error{Provider: Provider, Status: tr.status, Err: errors.New("answer carries no message SID"),
			RetryAfter: sender.ParseRetryAfter(tr.retryAfter, time.Now())}
		return sender.Result{}, fmt.Errorf("error sending message %s: %w", m.ID, e)
	}
	return sender.Result{ProviderID: *res.Sid}, nil
}

// api returns a Messages API bound to a copy of the client that sends through
// tr. Edge and region stay empty whatever TWILIO_EDGE and TWILIO_REGION say.
func (t *Sender) api(tr *sendTransport) *openapi.ApiService {
	c := *t.client
	c.HTTPClient = &http.Client{
		Transport: tr,
		Timeout:   t.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return openapi.NewApiService(&client.RequestHandler{Client: &c})
}

// callbackURL returns base with the query parameter mid=id added.
func callbackURL(base *url.URL, id string) string {
	u := *base
	q := u.Query()
	q.Set("mid", id)
	u.RawQuery = q.Encode()
	return u.String()
}
