package jasmin

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/smstext"
)

// dlrLevel asks for both receipts: the SMSC's answer to the submission
// (level 1, the only word on a refused one) and the handset's (level 2).
const dlrLevel = "3"

// SendConfig configures a Jasmin sender.
type SendConfig struct {
	// URL is Jasmin's HTTP send endpoint (http://jasmin:1401/send).
	URL string
	// Username and Password are the Jasmin user's (1 to 16 characters).
	Username, Password string
	// From is the sender address; empty leaves it to the user's defaults
	// on Jasmin. An E.164 number is written in Format like the recipient.
	From string
	// Format is how numbers are written (default E.164).
	Format provider.NumberFormat
	// Callback builds each message's dlr-url; the zero Callback asks for
	// no receipt.
	Callback smppgw.Callback
	// HTTPClient sends the requests. Nil: a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Sender sends SMS through Jasmin's HTTP API (POST /send).
type Sender struct {
	cfg    SendConfig
	from   string
	client *http.Client
}

var _ sender.Sender = (*Sender)(nil)

// NewSender returns a Jasmin sender. It returns an error when the URL is
// not an absolute http(s) URL or the credentials are missing.
func NewSender(cfg SendConfig) (*Sender, error) {
	if !provider.ValidSendURL(cfg.URL) {
		return nil, errors.New("error configuring jasmin: want an absolute http(s) send URL")
	}
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("error configuring jasmin: username and password are required")
	}
	if cfg.Format == "" {
		cfg.Format = provider.E164
	}
	from := cfg.From
	if strings.HasPrefix(from, "+") {
		from = cfg.Format.Format(msg.Address(from))
	}
	return &Sender{cfg: cfg, from: from, client: sender.Client(cfg.HTTPClient)}, nil
}

// form is the request of one message. Text in the GSM alphabet goes as
// content (Jasmin writes it in GSM 03.38); any other goes as hex-content,
// its UTF-16BE bytes, with coding 8 (UCS-2). Jasmin refuses any field it
// does not know, so only its own are sent.
func (s *Sender) form(m msg.Outbound) url.Values {
	f := url.Values{
		"username": {s.cfg.Username}, "password": {s.cfg.Password},
		"to": {s.cfg.Format.Format(m.To)}, "dlr": {"no"},
	}
	if s.from != "" {
		f.Set("from", s.from)
	}
	if smstext.IsGSM7(m.Text) {
		f.Set("content", m.Text)
	} else {
		f.Set("coding", "8")
		f.Set("hex-content", hex.EncodeToString(smppgw.EncodeUTF16BE(m.Text)))
	}
	if u, ok := s.cfg.Callback.For(m.ID, ""); ok {
		f.Set("dlr", "yes")
		f.Set("dlr-url", u)
		f.Set("dlr-level", dlrLevel)
	}
	return f
}

// Send posts the message and returns Jasmin's message id, which its
// receipts carry. Errors wrap a *sender.Error (see parseAnswer): retryable
// for no answer, throttling, a route without a bound connector, 429 and
// 5xx; InvalidNumber when Jasmin refuses the "to" field.
func (s *Sender) Send(ctx context.Context, m msg.Outbound) (sender.Result, error) {
	body := s.form(m).Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, strings.NewReader(body))
	if err != nil {
		// The URL's query may carry credentials: the cause is not quoted.
		return sender.Result{}, fmt.Errorf("error building request for message %s: %w", m.ID, &sender.Error{Provider: Provider, Err: errors.New("bad send URL")})
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain")
	res, err := s.client.Do(req)
	if err != nil {
		return sender.Result{}, fmt.Errorf("error sending message %s: %w", m.ID, smppgw.TransportError(Provider, err))
	}
	return sender.Finish(Provider, m.ID, res, parseAnswer)
}
