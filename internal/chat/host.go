package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// Answers the service sets for flows to branch on.
const (
	// AnsRegFound is "yes" after load_registration found one, "no" otherwise.
	AnsRegFound = "reg_found"
	// AnsSMS is "queued" (the message will be sent by the outbox), "limit"
	// (over the daily quota) or "off" (no SMS route) after send_sms,
	// send_confirmation or send_essential.
	AnsSMS = "sms"
)

// Values of AnsSMS.
const (
	SMSQueued = "queued"
	SMSLimit  = "limit"
	SMSOff    = "off"
)

// Quotas: how many messages of each kind one person may cause in a day.
// Pages asked "by SMS" are bounded by Config.SMSPerDay.
const (
	// ConfirmationsPerDay bounds the confirmation SMS (registrations,
	// call-backs) one person can cause in a day, apart from the pages.
	ConfirmationsPerDay = 10
	// EssentialPerDay bounds emergency and protection pages: never the
	// daily quota of pages, only a bound against a loop run on purpose.
	EssentialPerDay = 50
)

// Quota names, fields of the person's quota record.
const (
	quotaPages         = "sms_page"
	quotaConfirmations = "sms_confirm"
	quotaEssential     = "sms_essential"
)

// quotaWindow is the quotas' window: a day from midnight UTC.
const quotaWindow = 24 * time.Hour

// internalAnswers are answers the service or engine set: never part of a
// registration.
var internalAnswers = map[string]bool{"ref": true, "lang": true, AnsRegFound: true, AnsSMS: true, AnsCampaign: true}

// AnsCampaign is the campaign whose reply flow the person is in.
const AnsCampaign = "campaign"

// hop is one attempt at a hop: what was read at its start and the effects
// the flow's actions add up to. It is the only place where an action's name
// becomes an effect; nothing is carried out before the commit.
type hop struct {
	s   *Service
	ctx context.Context
	p   msg.PersonID
	in  msg.Inbound
	now time.Time
	// quota is the person's quota record as loaded.
	quota map[string]string
	// window is the open reply window of a campaign ("<id>|<flow>|<node>").
	window string
	// regRef is the reference of the person's registration, read with the
	// state (empty: none).
	regRef string
	// abandoned is the node where the person's previous session stopped
	// without finishing, noticed by this hop (staff's funnel).
	abandoned string
	fx        msg.Effects
	reg       *msg.Registration
}

// newHop starts a hop attempt on a loaded conversation.
func (s *Service) newHop(ctx context.Context, p msg.PersonID, in msg.Inbound, conv msg.Conversation, now time.Time) *hop {
	return &hop{s: s, ctx: ctx, p: p, in: in, now: now, quota: conv.Quota, window: conv.CampaignReply, regRef: conv.RegRef}
}

// env returns the engine's environment for the hop.
func (h *hop) env() flow.Env {
	return flow.Env{Ref: h.s.cfg.Ref, Lookup: h.s.lookup, Do: h.do, Visit: h.s.cfg.Visit}
}

// lookup answers branches on deployment features: feature_NAME is "on" when
// staff turned NAME on.
func (s *Service) lookup(key string) string {
	if name, ok := strings.CutPrefix(key, "feature_"); ok && s.cfg.Features != nil && s.cfg.Features(name) {
		return "on"
	}
	return ""
}

// do records an action as an effect of the hop and returns the answers the
// flow may branch on, decided from what the hop read at its start.
func (h *hop) do(ev flow.Event) map[string]string {
	switch ev.Action {
	case flow.ActLoadRegistration:
		return h.loadRegistration()
	case flow.ActSendSMS, flow.ActSendConfirmation, flow.ActSendEssential:
		return map[string]string{AnsSMS: h.queueSMS(ev)}
	case flow.ActSaveRegistration:
		ref := ev.Ref
		if h.regRef != "" {
			// An update: the person keeps their reference.
			ref = h.regRef
		}
		h.reg = &msg.Registration{
			Ref: ref, Person: h.p, Phone: h.in.From, Lang: ev.Lang, Channel: h.in.Channel,
			Created: h.now.UTC(), Answers: registrationAnswers(ev.Answers),
		}
		if ref != ev.Ref {
			return map[string]string{"ref": ref}
		}
	case flow.ActRequestCallback:
		h.fx.Callbacks = append(h.fx.Callbacks, msg.Callback{
			Ref: ev.Ref, Person: h.p, Phone: h.in.From, Lang: ev.Lang,
			Region: ev.Answers["region"], Topic: ev.Arg, Created: h.now.UTC(),
		})
	case flow.ActOptOut:
		h.fx.OptOut = msg.OptedOut
	case flow.ActOptIn:
		h.fx.OptOut = msg.OptedIn
	case flow.ActDeleteData:
		h.fx.Erase = true
	case flow.ActSubscribe:
		h.fx.Subscribe, h.fx.Lang, h.fx.Phone = msg.OptedIn, ev.Lang, h.in.From
	case flow.ActSaveCampaignReply:
		if c := ev.Answers[AnsCampaign]; c != "" {
			h.fx.CampaignAnswers = &msg.CampaignAnswers{Campaign: c, Phone: h.in.From, Lang: ev.Lang, At: h.now.UTC(),
				Answers: registrationAnswers(ev.Answers)}
		}
	}
	return nil
}

// loadRegistration fills the answers from the person's registration.
func (h *hop) loadRegistration() map[string]string {
	people := h.s.cfg.People
	if people == nil || h.regRef == "" {
		return map[string]string{AnsRegFound: "no"} // known from the load: no read
	}
	r, err := people.RegistrationOf(h.ctx, h.p)
	if err != nil {
		if !errors.Is(err, msg.ErrNotFound) {
			h.s.log.ErrorContext(h.ctx, "reading registration failed", "person", string(h.p), "err", err)
		}
		return map[string]string{AnsRegFound: "no"}
	}
	out := make(map[string]string, len(r.Answers)+2)
	for k, v := range r.Answers {
		out[k] = v
	}
	out[AnsRegFound], out["ref"] = "yes", r.Ref
	return out
}

// queueSMS queues the text an SMS action names, within its quota, and
// returns the AnsSMS value.
func (h *hop) queueSMS(ev flow.Event) string {
	if !h.s.cfg.SMS {
		return SMSOff
	}
	name, limit, kind := quotaPages, h.s.cfg.SMSPerDay, msg.KindPage
	switch ev.Action {
	case flow.ActSendConfirmation:
		name, limit, kind = quotaConfirmations, ConfirmationsPerDay, msg.KindConfirmation
	case flow.ActSendEssential:
		name, limit = quotaEssential, EssentialPerDay
	}
	text := h.s.cfg.Shape(h.s.render.Message(ev.Lang, ev.Arg, ev.Answers))
	if text == "" {
		return SMSOff
	}
	if !h.take(name, limit) {
		return SMSLimit
	}
	h.fx.Messages = append(h.fx.Messages, msg.Outbound{
		ID: NewMessageID(), To: h.in.From, Person: h.p, Text: text, Lane: msg.LaneConversation, Kind: kind,
	})
	return SMSQueued
}

// take counts one use of a daily quota and tells whether it was within
// limit. The count is the one read at the start of the hop plus this hop's
// own uses; the commit writes it back.
func (h *hop) take(name string, limit int) bool {
	day := h.now.UnixMilli() / quotaWindow.Milliseconds()
	cur := h.quota[name]
	if v, ok := h.fx.Quota[name]; ok {
		cur = v
	}
	n := quotaCount(cur, day)
	if n >= limit {
		return false
	}
	if h.fx.Quota == nil {
		h.fx.Quota = map[string]string{}
	}
	h.fx.Quota[name] = strconv.FormatInt(day, 10) + ":" + strconv.Itoa(n+1)
	h.fx.QuotaTTL = time.Duration((day+1)*quotaWindow.Milliseconds()-h.now.UnixMilli()) * time.Millisecond
	return true
}

// quotaCount reads a stored counter "<window>:<count>": the count when the
// window is day, 0 otherwise.
func quotaCount(v string, day int64) int {
	w, c, ok := strings.Cut(v, ":")
	if !ok || w != strconv.FormatInt(day, 10) {
		return 0
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// outOfBand queues the reply's messages for a provider that takes no inline
// reply. The reply to a STOP goes even though the person opted out.
func (h *hop) outOfBand(r msg.Reply) {
	kind := msg.KindReply
	if h.fx.OptOut == msg.OptedOut {
		kind = msg.KindStopReply
	}
	for _, t := range r.Messages {
		if t == "" {
			continue
		}
		h.fx.Messages = append(h.fx.Messages, msg.Outbound{
			ID: NewMessageID(), To: h.in.From, Person: h.p, Text: t, Lane: msg.LaneConversation, Kind: kind,
		})
	}
}

// NewMessageID returns a random id for an outbound message.
func NewMessageID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
