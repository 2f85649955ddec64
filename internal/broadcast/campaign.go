package broadcast

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// State is where a campaign stands.
type State string

// Campaign states: draft → scheduled → sending ⇄ paused → done, and
// cancelled from any state but done.
const (
	Draft     State = "draft"
	Scheduled State = "scheduled"
	Sending   State = "sending"
	Paused    State = "paused"
	Done      State = "done"
	Cancelled State = "cancelled"
)

// Action is what staff do to a campaign.
type Action string

// Staff actions.
const (
	Start  Action = "start"
	Pause  Action = "pause"
	Resume Action = "resume"
	Cancel Action = "cancel"
)

// ErrTransition is returned for an action a campaign's state does not allow.
var ErrTransition = errors.New("not allowed in this state")

// Next returns the state an action leads to from state, or ErrTransition
// (wrapped). Start schedules a campaign whose start time is to come and
// sends one whose time has come (or that has none).
func Next(from State, a Action, startAt, now time.Time) (State, error) {
	switch {
	case a == Start && from == Draft:
		if startAt.After(now) {
			return Scheduled, nil
		}
		return Sending, nil
	case a == Pause && (from == Sending || from == Scheduled):
		return Paused, nil
	case a == Resume && from == Paused:
		if startAt.After(now) {
			return Scheduled, nil
		}
		return Sending, nil
	case a == Cancel && from != Done && from != Cancelled:
		return Cancelled, nil
	}
	return "", fmt.Errorf("error applying %s to a %s campaign: %w", a, from, ErrTransition)
}

// Audience selects who a campaign reaches: registered people matching
// every non-empty filter (a filter matches any of its values), and people
// who asked for information messages without registering.
type Audience struct {
	Registered  bool     `json:"registered"`
	Subscribers bool     `json:"subscribers"`
	Lang        []string `json:"lang,omitempty"`
	Region      []string `json:"region,omitempty"`
	Situation   []string `json:"situation,omitempty"`
	Sector      []string `json:"sector,omitempty"`
	Stage       []string `json:"stage,omitempty"`
	// RegisteredFrom and RegisteredTo bound the registration date
	// (YYYY-MM-DD, inclusive, UTC); empty is unbounded.
	RegisteredFrom string `json:"registered_from,omitempty"`
	RegisteredTo   string `json:"registered_to,omitempty"`
}

// Range returns the registration-time bounds in unix ms (to is exclusive);
// 0 means unbounded. It returns an error for a malformed date.
func (a Audience) Range() (from, to int64, err error) {
	if a.RegisteredFrom != "" {
		t, err := time.Parse(time.DateOnly, a.RegisteredFrom)
		if err != nil {
			return 0, 0, fmt.Errorf("error reading registered_from: want YYYY-MM-DD")
		}
		from = t.UnixMilli()
	}
	if a.RegisteredTo != "" {
		t, err := time.Parse(time.DateOnly, a.RegisteredTo)
		if err != nil {
			return 0, 0, fmt.Errorf("error reading registered_to: want YYYY-MM-DD")
		}
		to = t.AddDate(0, 0, 1).UnixMilli()
	}
	return from, to, nil
}

// Recipient is one person a campaign may reach.
type Recipient struct {
	Person msg.PersonID
	Phone  msg.Address
	Lang   msg.Lang
	// Answers are a registered person's answers (nil for a subscriber).
	Answers map[string]string
	// Created is when they registered or subscribed.
	Created time.Time
}

// Match tells whether a registered recipient passes every filter.
func (a Audience) Match(r Recipient) bool {
	in := func(vals []string, v string) bool { return len(vals) == 0 || slices.Contains(vals, v) }
	return in(a.Lang, string(r.Lang)) && in(a.Region, r.Answers["region"]) && in(a.Situation, r.Answers["situation"]) &&
		in(a.Sector, r.Answers["sector"]) && in(a.Stage, r.Answers["stage"])
}

// ReplyFlow is where a recipient who replies within Window enters.
type ReplyFlow struct {
	Flow   string `json:"flow"`
	Node   string `json:"node"`
	Window string `json:"window"`
}

// Campaign is an outreach campaign.
type Campaign struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Texts    map[string]string `json:"texts"`
	Fallback string            `json:"fallback"`
	Audience Audience          `json:"audience"`
	// StartAt is when to start sending; zero: when started.
	StartAt time.Time `json:"start_at,omitzero"`
	// Rate is how many messages a second the campaign sends at most.
	Rate          float64    `json:"rate"`
	Reply         *ReplyFlow `json:"reply,omitempty"`
	ResendUnknown bool       `json:"resend_unknown"`
	State         State      `json:"state"`
	Created       time.Time  `json:"created"`
	Updated       time.Time  `json:"updated"`
	Counts        Counts     `json:"counts"`
}

// Counts are a campaign's figures.
type Counts struct {
	Audience        int64 `json:"audience"`
	Queued          int64 `json:"queued"`
	Sent            int64 `json:"sent"`
	Delivered       int64 `json:"delivered"`
	Failed          int64 `json:"failed"`
	Undelivered     int64 `json:"undelivered"`
	Skipped         int64 `json:"skipped"`
	DeferredQuiet   int64 `json:"deferred_quiet"`
	DeferredSession int64 `json:"deferred_session"`
	Unknown         int64 `json:"unknown"`
	Dead            int64 `json:"dead"`
	Cancelled       int64 `json:"cancelled"`
	Replies         int64 `json:"replies"`
}

// Limits bound what a campaign may ask.
type Limits struct {
	// MaxSegments is the most segments one text may take.
	MaxSegments int
	// MaxRate is the route's ceiling in messages a second.
	MaxRate float64
	// Flows tells whether flow:node exists (nil accepts any).
	Flows func(flow, node string) bool
}

// Validate checks a campaign as created: a name, texts within the segment
// limit with a fallback that has one, a rate within the ceiling, a
// well-formed audience and reply. It returns an error saying what is wrong.
func (c *Campaign) Validate(l Limits) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || len(c.Name) > 120 {
		return errors.New("name: want 1 to 120 characters")
	}
	if err := Check(c.Texts, c.Fallback, l.MaxSegments); err != nil {
		return err
	}
	for lang := range c.Texts {
		if _, err := msg.ParseLang(lang); err != nil && len(lang) != 2 && len(lang) != 3 {
			return fmt.Errorf("texts: %q is not a language code", lang)
		}
	}
	if c.Rate <= 0 {
		c.Rate = 1
	}
	if l.MaxRate > 0 && c.Rate > l.MaxRate {
		return fmt.Errorf("rate: %g messages a second is over the route's ceiling of %g", c.Rate, l.MaxRate)
	}
	if !c.Audience.Registered && !c.Audience.Subscribers {
		return errors.New("audience: choose registered people, subscribers or both")
	}
	if _, _, err := c.Audience.Range(); err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	if c.Reply != nil {
		d, err := time.ParseDuration(c.Reply.Window)
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			return errors.New("reply.window: want a duration from 1m to 720h")
		}
		if l.Flows != nil && !l.Flows(c.Reply.Flow, c.Reply.Node) {
			return fmt.Errorf("reply: no node %s:%s", c.Reply.Flow, c.Reply.Node)
		}
	}
	return nil
}

// TextFor returns the text a recipient of lang gets and its language.
func (c *Campaign) TextFor(lang msg.Lang) (string, msg.Lang) {
	if t, ok := c.Texts[string(lang)]; ok && t != "" {
		return t, lang
	}
	return c.Texts[c.Fallback], msg.Lang(c.Fallback)
}
