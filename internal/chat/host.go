package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// Answers the service sets for flows to branch on.
const (
	// AnsRegFound is "yes" after load_registration found one, "no" otherwise.
	AnsRegFound = "reg_found"
	// AnsSMS is "sent", "limit" (over the daily quota), "off" (no SMS
	// provider) or "error" after send_sms.
	AnsSMS = "sms"
)

// ConfirmationsPerDay bounds the confirmation SMS (registrations, call-backs)
// one person can cause in a day, apart from the pages they ask.
const ConfirmationsPerDay = 10

// internalAnswers are answers the service or engine set: never part of a
// registration.
var internalAnswers = map[string]bool{"ref": true, "lang": true, AnsRegFound: true, AnsSMS: true}

// env returns the engine's environment for one hop of person p.
func (s *Service) env(ctx context.Context, p msg.PersonID, in msg.Inbound, now time.Time) flow.Env {
	return flow.Env{
		Ref:    s.cfg.Ref,
		Lookup: s.lookup,
		Do:     func(ev flow.Event) map[string]string { return s.do(ctx, p, in, ev, now) },
		Visit:  s.cfg.Visit,
	}
}

// lookup answers branches on deployment features: feature_NAME is "on" when
// staff turned NAME on.
func (s *Service) lookup(key string) string {
	if name, ok := strings.CutPrefix(key, "feature_"); ok && s.cfg.Features != nil && s.cfg.Features(name) {
		return "on"
	}
	return ""
}

// do carries out the actions whose outcome the flow needs at once.
func (s *Service) do(ctx context.Context, p msg.PersonID, in msg.Inbound, ev flow.Event, now time.Time) map[string]string {
	people := s.cfg.People
	switch ev.Action {
	case flow.ActLoadRegistration:
		if people == nil {
			return map[string]string{AnsRegFound: "no"}
		}
		r, err := people.RegistrationOf(ctx, p)
		if err != nil {
			if !errors.Is(err, msg.ErrNotFound) {
				s.log.ErrorContext(ctx, "reading registration failed", "person", string(p), "err", err)
			}
			return map[string]string{AnsRegFound: "no"}
		}
		out := make(map[string]string, len(r.Answers)+2)
		for k, v := range r.Answers {
			out[k] = v
		}
		out[AnsRegFound], out["ref"] = "yes", r.Ref
		return out
	case flow.ActSendSMS, flow.ActSendConfirmation:
		if s.cfg.Send == nil || people == nil {
			return map[string]string{AnsSMS: "off"}
		}
		quota, limit := "sms_page", s.cfg.SMSPerDay
		if ev.Action == flow.ActSendConfirmation {
			quota, limit = "sms_confirm", ConfirmationsPerDay
		}
		ok, err := people.Take(ctx, p, quota, limit, 24*time.Hour, now)
		switch {
		case err != nil:
			s.log.ErrorContext(ctx, "counting SMS quota failed", "person", string(p), "err", err)
			return map[string]string{AnsSMS: "error"}
		case !ok:
			return map[string]string{AnsSMS: "limit"}
		}
		return map[string]string{AnsSMS: "sent"}
	}
	return nil
}

// effects carries out, after the hop is stored, what the person asked for:
// SMS pages, opt-out or opt-in, erasure.
func (s *Service) effects(ctx context.Context, h Hop, events []flow.Event) {
	for _, ev := range events {
		s.cfg.Observer.Action(ev.Action)
		switch ev.Action {
		case flow.ActSendSMS, flow.ActSendConfirmation:
			if ev.Answers[AnsSMS] == "sent" {
				s.sendAsync(h, s.render.Message(h.Lang, ev.Arg, ev.Answers))
			}
		case flow.ActRequestCallback:
			// After the commit, so that a hop lost to a concurrent one
			// (compare-and-set) leaves no orphan request behind.
			if s.cfg.People != nil {
				c := msg.Callback{Ref: ev.Ref, Person: h.Person, Phone: h.From, Lang: ev.Lang, Region: ev.Answers["region"], Topic: ev.Arg, Created: h.At.UTC()}
				if err := s.cfg.People.SaveCallback(ctx, c); err != nil {
					s.log.ErrorContext(ctx, "saving call-back failed", "person", string(h.Person), "ref", ev.Ref, "err", err)
				}
			}
		case flow.ActOptOut, flow.ActOptIn:
			if s.cfg.People != nil {
				if err := s.cfg.People.SetOptOut(ctx, h.Person, ev.Action == flow.ActOptOut); err != nil {
					s.log.ErrorContext(ctx, "recording opt-out failed", "person", string(h.Person), "err", err)
				}
			}
		case flow.ActDeleteData:
			s.erase(ctx, h.Person)
		}
		for _, e := range s.after {
			e(ctx, h, ev)
		}
	}
}

// sendAsync sends an SMS without holding the hop's answer.
func (s *Service) sendAsync(h Hop, text string) {
	if s.cfg.Send == nil || text == "" {
		return
	}
	m := msg.Outbound{ID: newMessageID(), To: h.From, Text: s.cfg.Shape(text)}
	s.sending.Add(1)
	go func() {
		defer s.sending.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.cfg.Send(ctx, m); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "sending SMS failed", slog.String("person", string(h.Person)), slog.String("message_id", m.ID), slog.String("err", err.Error()))
		}
	}()
}

// Wait waits for the SMS under way to be handed to the provider (tests,
// shutdown).
func (s *Service) Wait() { s.sending.Wait() }

// newMessageID returns a random id for an outbound message.
func newMessageID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// erase deletes everything stored about a person. The person was already
// told their data is erased, so a failure is retried a few times on a
// context of its own (the hop's may be nearly spent) and, if it still fails,
// logged as an error for staff to act on.
func (s *Service) erase(ctx context.Context, p msg.PersonID) {
	if s.cfg.People == nil {
		return
	}
	var err error
	for attempt, wait := 0, 100*time.Millisecond; attempt < 3; attempt, wait = attempt+1, wait*4 {
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		err = s.cfg.People.DeletePerson(ectx, p)
		cancel()
		if err == nil {
			s.log.InfoContext(ctx, "person erased", "person", string(p))
			return
		}
		time.Sleep(wait)
	}
	s.log.ErrorContext(ctx, "ERASURE FAILED: the person was told their data is erased; erase it by hand", "person", string(p), "err", err)
}
