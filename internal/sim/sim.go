// Package sim plays conversations the way phones do: a USSD session with its
// cumulative text, SMS, retries, a new dial after a dropped session, a clock
// that moves. Golden transcript tests and `passerelle sim` share it.
package sim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Handler answers inbound messages (chat.Service).
type Handler interface {
	Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error)
}

// Clock is a settable clock for the service under simulation.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Phone is one person's phone talking to a Handler.
type Phone struct {
	H        Handler
	From     msg.Address
	Provider string
	Service  string
	Clock    *Clock
	// Campaign, when set, delivers a campaign's SMS to the phone: its
	// reply window on flow:node opens for window (scripts' "campaign").
	Campaign func(ctx context.Context, from msg.Address, id, key string, window time.Duration) error

	session  int
	sid      string
	text     string
	inUSSD   bool
	answered bool
	last     msg.Inbound
	smsCount int
}

// Dial opens a new USSD session (the first hop has empty text).
func (p *Phone) Dial(ctx context.Context) (msg.Reply, error) {
	p.session++
	p.sid = fmt.Sprintf("SIM-%s-%d", strings.TrimPrefix(string(p.From), "+"), p.session)
	p.text, p.answered = "", false
	p.inUSSD = true
	return p.send(ctx, p.ussd())
}

// Answer sends the next input of the current USSD session.
func (p *Phone) Answer(ctx context.Context, input string) (msg.Reply, error) {
	if !p.inUSSD {
		return msg.Reply{}, fmt.Errorf("error answering: no USSD session open (dial first)")
	}
	if !p.answered {
		p.text, p.answered = input, true
	} else {
		p.text += "*" + input
	}
	return p.send(ctx, p.ussd())
}

// SMS sends a text message.
func (p *Phone) SMS(ctx context.Context, text string) (msg.Reply, error) {
	p.smsCount++
	in := msg.Inbound{
		Channel: msg.SMS, Provider: p.provider(), From: p.From, To: p.Service, Text: text,
		ExternalID: fmt.Sprintf("SM-%s-%d", strings.TrimPrefix(string(p.From), "+"), p.smsCount),
		Received:   p.Clock.Now(),
	}
	return p.send(ctx, in)
}

// Retry sends the last message again, as a provider retrying would.
func (p *Phone) Retry(ctx context.Context) (msg.Reply, error) { return p.send(ctx, p.last) }

// Drop ends the USSD session without an answer (the person's timer ran out).
func (p *Phone) Drop() { p.inUSSD = false }

func (p *Phone) ussd() msg.Inbound {
	return msg.Inbound{
		Channel: msg.USSD, Provider: p.provider(), From: p.From, To: p.Service,
		Session: p.sid, Text: p.text, Cumulative: true, Received: p.Clock.Now(),
	}
}

func (p *Phone) provider() string {
	if p.Provider == "" {
		return "sim"
	}
	return p.Provider
}

func (p *Phone) send(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	p.last = in
	r, err := p.H.Handle(ctx, in)
	if r.End && in.Channel == msg.USSD {
		p.inUSSD = false
	}
	return r, err
}
