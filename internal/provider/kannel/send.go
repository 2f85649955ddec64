package kannel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/smstext"
)

// dlrType is the part of the dlr-url Kannel fills in with the report's type.
const dlrType = "type=%d"

// SendConfig configures a Kannel sender.
type SendConfig struct {
	// URL is smsbox's sendsms endpoint
	// (http://kannel:13013/cgi-bin/sendsms).
	URL string
	// Username and Password are a sendsms-user's.
	Username, Password string
	// From is the sender address; empty leaves it to Kannel. An E.164
	// number is written in Format like the recipient.
	From string
	// SMSC routes the messages to this smsc-id; empty leaves it to Kannel.
	SMSC string
	// Format is how numbers are written (default E.164).
	Format provider.NumberFormat
	// Callback builds each message's dlr-url; the zero Callback asks for
	// no report.
	Callback smppgw.Callback
	// HTTPClient sends the requests. Nil: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Sender sends SMS through Kannel's sendsms interface (HTTP GET with CGI
// variables).
type Sender struct {
	cfg    SendConfig
	base   *url.URL
	from   string
	client *http.Client
}

var _ sender.Sender = (*Sender)(nil)

// NewSender returns a Kannel sender. It returns an error when the URL is
// not an absolute http(s) URL or the credentials are missing.
func NewSender(cfg SendConfig) (*Sender, error) {
	if !provider.ValidSendURL(cfg.URL) {
		return nil, errors.New("error configuring kannel: want an absolute http(s) sendsms URL")
	}
	base, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("error configuring kannel: %w", err)
	}
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("error configuring kannel: username and password are required")
	}
	if cfg.Format == "" {
		cfg.Format = provider.E164
	}
	from := cfg.From
	if len(from) > 0 && from[0] == '+' {
		from = cfg.Format.Format(msg.Address(from))
	}
	return &Sender{cfg: cfg, base: base, from: from, client: sender.Client(cfg.HTTPClient)}, nil
}

// query is the sendsms request of one message, added to the URL's own
// query. The text goes as UTF-8 (charset=UTF-8): Kannel writes it in the
// GSM alphabet (coding 0) when it fits, else as UCS-2 (coding=2).
func (s *Sender) query(m msg.Outbound) string {
	q := s.base.Query()
	q.Set("username", s.cfg.Username)
	q.Set("password", s.cfg.Password)
	q.Set("to", s.cfg.Format.Format(m.To))
	q.Set("text", m.Text)
	q.Set("charset", "UTF-8")
	if !smstext.IsGSM7(m.Text) {
		q.Set("coding", codingUCS2)
	}
	if s.from != "" {
		q.Set("from", s.from)
	}
	if s.cfg.SMSC != "" {
		q.Set("smsc", s.cfg.SMSC)
	}
	if u, ok := s.cfg.Callback.For(m.ID, dlrType); ok {
		q.Set("dlr-mask", dlrMask)
		q.Set("dlr-url", u)
	}
	return q.Encode()
}

// Send asks Kannel to send the message. Kannel's answer carries no id:
// its delivery reports name the message by our id, in the dlr-url. Errors
// wrap a *sender.Error (see parseAnswer): retryable for no answer, 429 and
// 5xx ("Temporal failure, try again later."); not for a bad sendsms-user,
// a message Kannel cannot route or a bad request; InvalidNumber for a
// number Kannel's white- or black-list denies.
func (s *Sender) Send(ctx context.Context, m msg.Outbound) (sender.Result, error) {
	u := *s.base
	u.RawQuery = s.query(m)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		// The URL carries the password: the cause is not quoted.
		return sender.Result{}, fmt.Errorf("error building request for message %s: %w", m.ID, &sender.Error{Provider: Provider, Err: errors.New("bad sendsms URL")})
	}
	res, err := s.client.Do(req)
	if err != nil {
		return sender.Result{}, fmt.Errorf("error sending message %s: %w", m.ID, smppgw.TransportError(Provider, err))
	}
	// Kannel's answer names no message: its reports come back by our id.
	return sender.Finish(Provider, m.ID, res, func(status int, body []byte) (string, *sender.Error) {
		return "", parseAnswer(status, body)
	})
}
