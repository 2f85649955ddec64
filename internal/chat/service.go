// Package chat is Passerelle's use case: one inbound message in, one reply
// out. It finds the person's conversation, drops provider retries, runs the
// flow engine, pages the screen and writes everything back in one change.
package chat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
)

// Defaults for Config.
const (
	DefaultStateTTL      = 24 * time.Hour
	DefaultUSSDDedupeTTL = 10 * time.Minute
	DefaultSMSDedupeTTL  = 48 * time.Hour
	maxAttempts          = 4
)

// Config tunes a Service. Zero values take the defaults.
type Config struct {
	// StateTTL is how long an unfinished conversation (and its draft
	// answers) is kept: a person may resume within it.
	StateTTL time.Duration
	// USSDDedupeTTL and SMSDedupeTTL are how long a hop's reply is kept to
	// answer provider retries.
	USSDDedupeTTL, SMSDedupeTTL time.Duration
	// Now and Ref are injected for stable tests; they default to the clock
	// and random reference codes.
	Now func() time.Time
	Ref func() string
	// People reads registrations (load_registration); without it a person
	// has none.
	People People
	// Flood limits inbound SMS per person; a zero Limit lets everything
	// through. The store counts it in the hop's load.
	Flood msg.Rate
	// SMS tells that an SMS route is configured: pages asked "by SMS" and
	// confirmations are queued in the outbox by the hop's commit. False
	// answers sms=off.
	SMS bool
	// Shape adapts SMS text to the operator's alphabet (GSM-7 shaping);
	// the default keeps it as it is.
	Shape func(string) string
	// SMSPerDay bounds the pages one person may ask by SMS in a day
	// (default DefaultSMSPerDay).
	SMSPerDay int
	// Features tells whether staff turned a feature on (flows branch on
	// feature_NAME); nil turns every feature off.
	Features func(name string) bool
	// Visit, when set, is told every flow node entered (test coverage).
	Visit func(key string, lang msg.Lang)
	// Observer, when set, is told every hop, action and failure (metrics).
	Observer Observer
	// Operator names the mobile operator of a number (msg.Operators.Of);
	// Budgets are the USSD screen budgets of the operators whose phones
	// show another number of characters than the renderer's. Either nil:
	// one budget for everyone.
	Operator func(msg.Address) string
	Budgets  map[string]int
}

// DefaultSMSPerDay is how many pages a person may ask by SMS in a day.
const DefaultSMSPerDay = 5

// Service answers inbound messages. It is safe for concurrent use.
type Service struct {
	engine *flow.Engine
	render *render.Renderer
	// byOperator are renderers with an operator's own USSD budget.
	byOperator map[string]*render.Renderer
	store      Store
	hasher     *msg.Hasher
	log        *slog.Logger
	cfg        Config
	after      []Effect
}

// Effect is told, after a hop's change is stored, each event the engine
// raised (the simulator shows them). It carries out nothing: every effect of
// a hop is written by its commit.
type Effect func(ctx context.Context, h Hop, ev flow.Event)

// Hop describes the hop an effect runs for.
type Hop struct {
	Person msg.PersonID
	From   msg.Address
	Lang   msg.Lang
	In     msg.Inbound
	// At is the service clock's time of the hop.
	At time.Time
}

// New returns a Service.
func New(e *flow.Engine, r *render.Renderer, s Store, h *msg.Hasher, log *slog.Logger, cfg Config) *Service {
	if cfg.StateTTL <= 0 {
		cfg.StateTTL = DefaultStateTTL
	}
	if cfg.USSDDedupeTTL <= 0 {
		cfg.USSDDedupeTTL = DefaultUSSDDedupeTTL
	}
	if cfg.SMSDedupeTTL <= 0 {
		cfg.SMSDedupeTTL = DefaultSMSDedupeTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Ref == nil {
		cfg.Ref = NewRef
	}
	if cfg.Shape == nil {
		cfg.Shape = func(s string) string { return s }
	}
	if cfg.SMSPerDay <= 0 {
		cfg.SMSPerDay = DefaultSMSPerDay
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	if log == nil {
		log = slog.Default()
	}
	svc := &Service{engine: e, render: r, store: s, hasher: h, log: log, cfg: cfg}
	if cfg.Operator != nil && len(cfg.Budgets) > 0 {
		svc.byOperator = make(map[string]*render.Renderer, len(cfg.Budgets))
		for op, b := range cfg.Budgets {
			svc.byOperator[op] = r.WithBudget(b)
		}
	}
	return svc
}

// OnEvent registers a function told every event of every stored hop.
func (s *Service) OnEvent(e Effect) { s.after = append(s.after, e) }

// ErrUnavailable wraps store failures: the person got an apology.
var ErrUnavailable = errors.New("conversation store unavailable")

// Handle answers one inbound message. On a store failure it returns the
// apology to show (an ending reply in the person's language) together with an
// error wrapping ErrUnavailable; nothing half-written remains.
func (s *Service) Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	r, err := s.handle(ctx, in)
	if errors.Is(err, ErrUnavailable) {
		s.cfg.Observer.Failed()
	}
	return r, err
}

func (s *Service) handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	p := s.hasher.Person(in.From)
	dd, hopName := dedupeKeys(in)
	lang := msg.Lang("")
	for attempt := 0; attempt < maxAttempts; attempt++ {
		q := msg.HopLoad{Dedupe: dd}
		if in.Channel == msg.SMS {
			// Checked at every attempt: a message counts when its hop
			// commits (ch.FloodMark), so once.
			q.Flood = s.cfg.Flood
		}
		conv, err := s.store.LoadHop(ctx, p, q)
		if err != nil {
			return s.apology(lang), fmt.Errorf("error loading conversation: %w: %w", ErrUnavailable, err)
		}
		if conv.Reply != nil {
			if r, err := decodeReply(conv.Reply); err == nil {
				return r, nil
			}
		}
		if conv.Flood != msg.FloodAllowed {
			return s.flooded(ctx, p, in, conv.Flood == msg.FloodNotice)
		}
		rec, err := decodeRecord(conv)
		if err != nil {
			s.log.WarnContext(ctx, "dropping unreadable conversation state", "person", string(p), "err", err)
			rec = record{}
		}
		if hopName != "" && rec.hop == hopName {
			if r, err := decodeReply(rec.reply); err == nil {
				return r, nil // a provider retry of the last hop
			}
		}
		st := rec.st
		if st.Lang == "" {
			st.Lang = conv.Lang
		}
		lang = st.Lang
		h := s.newHop(ctx, p, in, conv, s.cfg.Now())
		next, reply, events := s.step(h, st)
		if in.Channel == msg.SMS {
			for i, m := range reply.Messages {
				reply.Messages[i] = s.cfg.Shape(m)
			}
		}
		if in.ReplyOutOfBand {
			h.outOfBand(reply)
		}
		ch := s.change(conv, next, reply, h, dd, hopName)
		if !h.fx.Erase {
			if next.Node != st.Node && !next.Resuming && !slices.Contains(next.History, next.Node) {
				ch.Reached = next.Node // once per conversation: about one count a person
			}
			ch.Abandoned = h.abandoned
		}
		err = s.store.Commit(ctx, p, ch)
		if errors.Is(err, msg.ErrConflict) || errors.Is(err, msg.ErrRefTaken) {
			continue
		}
		if err != nil {
			return s.apology(next.Lang), fmt.Errorf("error storing conversation: %w: %w", ErrUnavailable, err)
		}
		s.cfg.Observer.Hop(in.Channel, next.Node)
		s.log.LogAttrs(ctx, slog.LevelDebug, "hop", slog.String("person", string(p)), slog.String("channel", string(in.Channel)), slog.String("node", next.Node), slog.Bool("end", reply.End))
		if h.fx.Erase {
			s.log.InfoContext(ctx, "person erased", "person", string(p))
		}
		hp := Hop{Person: p, From: in.From, Lang: next.Lang, In: in, At: h.now}
		for _, ev := range events {
			s.cfg.Observer.Action(ev.Action)
			for _, e := range s.after {
				e(ctx, hp, ev)
			}
		}
		return reply, nil
	}
	return s.apology(lang), fmt.Errorf("error storing conversation: %w: too many concurrent changes", ErrUnavailable)
}

// change builds the store change of a hop. The stored record keeps the
// hop's name and reply, so a provider retrying the last USSD hop gets the
// same answer without a key of its own; SMS, whose retries may come after
// later messages, are named by their message id in the store's dedupe cache.
// A finished conversation keeps only its language and last reply, for
// retries, as long as a USSD retry may come. An erasure keeps nothing.
func (s *Service) change(conv msg.Conversation, st flow.State, reply msg.Reply, h *hop, dd, hopName string) msg.Change {
	ch := msg.Change{Version: conv.Version, StateTTL: s.cfg.StateTTL, Dedupe: dd, DedupeTTL: s.cfg.SMSDedupeTTL,
		Registration: h.reg, Effects: h.fx, FloodMark: conv.FloodMark}
	if h.fx.Erase {
		ch.Dedupe, ch.Registration, ch.FloodMark = "", nil, msg.FloodMark{}
		ch.Effects.Quota, ch.Effects.Callbacks, ch.Effects.OptOut = nil, nil, ""
		return ch
	}
	if st.Lang != "" && st.Lang != conv.Lang {
		ch.Lang = st.Lang
	}
	// A reply is kept once: under the message id for SMS (dd), in the
	// record for the last USSD hop.
	if dd != "" {
		ch.Reply = encodeReply(reply)
	}
	if reply.End {
		st = flow.State{Done: true, Lang: st.Lang, Channel: st.Channel, Session: st.Session}
		ch.StateTTL = s.cfg.USSDDedupeTTL
	}
	st.Updated = h.now.Unix()
	if hopName != "" {
		ch.State = encodeRecordReply(make([]byte, 0, 256+replyLen(reply)), &st, hopName, reply)
	} else {
		ch.State = encodeRecord(make([]byte, 0, 256), &st, "", nil)
	}
	return ch
}

// registrationAnswers drops the engine's own keys from the answers kept.
func registrationAnswers(a map[string]string) map[string]string {
	out := make(map[string]string, len(a))
	for k, v := range a {
		if internalAnswers[k] {
			continue
		}
		out[k] = v
	}
	return out
}

// dedupeKeys names a hop for provider retries: an SMS by the provider's
// message id (dd, kept by the store), a USSD hop by its session and text
// (hop, kept in the conversation record): the first 8 bytes, in
// hexadecimal, of the SHA-256 of provider|session|text, or of
// provider|session|seq|text when the provider numbers its hops. The USSD
// name is hashed from a stack buffer (a longer key grows onto the heap):
// its one allocation is the returned string.
func dedupeKeys(in msg.Inbound) (dd, hop string) {
	if in.ExternalID != "" {
		return in.Provider + "|m|" + in.ExternalID, ""
	}
	var buf [256]byte
	key := append(append(append(buf[:0], in.Provider...), '|'), in.Session...)
	if in.Seq != "" {
		key = append(append(key, '|'), in.Seq...)
	}
	key = append(append(key, '|'), in.Text...)
	sum := sha256.Sum256(key)
	var hx [16]byte
	hex.Encode(hx[:], sum[:8])
	return "", string(hx[:])
}

// refAlphabet avoids letters and digits read alike (0/O, 1/I/L, 5/S, 2/Z, 8/B).
const refAlphabet = "34679ACDEFGHJKMNPQRTUVWXY"

// NewRef returns a random 6-character reference code.
func NewRef() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return string(b[:])
}

// flooded answers a message the store refused under the per-person flood
// limit (counted in the hop's load, after provider retries were answered
// from the cache: a retry is not a new message): the one notice of the
// period when notice is true, or nothing. For a provider that takes no
// inline reply the notice is queued in the outbox; the error tells that it
// could not be.
func (s *Service) flooded(ctx context.Context, p msg.PersonID, in msg.Inbound, notice bool) (msg.Reply, error) {
	s.log.InfoContext(ctx, "message over the flood limit", "person", string(p), "notice", notice)
	s.cfg.Observer.Action("flood_refused")
	if !notice {
		return msg.Reply{}, nil
	}
	// The language is not read for a refused message: both.
	r := msg.Reply{Messages: []string{s.cfg.Shape(s.render.Text(msg.French, MsgFlood) + "\n" + s.render.Text(msg.English, MsgFlood))}}
	if in.ReplyOutOfBand {
		h := &hop{s: s, p: p, in: in}
		h.outOfBand(r)
		if err := s.store.Enqueue(ctx, h.fx.Messages...); err != nil {
			return r, fmt.Errorf("error queueing flood notice: %w: %w", ErrUnavailable, err)
		}
	}
	return r, nil
}

type nopObserver struct{}

func (nopObserver) Hop(msg.Channel, string) {}
func (nopObserver) Action(string)           {}
func (nopObserver) Failed()                 {}

// rendererFor returns the renderer of a sender: with their operator's USSD
// budget when one is configured.
func (s *Service) rendererFor(from msg.Address) *render.Renderer {
	if s.byOperator != nil {
		if r, ok := s.byOperator[s.cfg.Operator(from)]; ok {
			return r
		}
	}
	return s.render
}
