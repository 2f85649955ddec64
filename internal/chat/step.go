package chat

import (
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// step runs one hop on a state: it recognises a new session, extracts the new
// input, handles paging and otherwise lets the engine decide.
func (s *Service) step(h *hop, st flow.State) (flow.State, msg.Reply, []flow.Event) {
	env, in, now := h.env(), h.in, h.now
	var events []flow.Event
	if st.Updated != 0 && now.Sub(time.Unix(st.Updated, 0)) > s.cfg.StateTTL {
		if !st.Done && st.Node != "" {
			h.abandoned = st.Node // it timed out unfinished
		}
		st = flow.State{Lang: st.Lang}
	}
	// A flow edit may have removed the screen the person was on (or was
	// offered to continue): they are taken elsewhere with a notice, and
	// what they sent, meant for that screen, is not taken as an answer.
	// SMS keywords still work.
	moved := s.lost(st)
	if moved {
		st, events = s.relocate(h, st, env)
	}
	session := in.Session
	if in.Channel != msg.SMS {
		st.Pending = "" // the erasure question was asked by SMS; it lapses
	}
	if in.Channel == msg.SMS {
		session = "sms"
		if next, reply, evs, ok := s.keyword(st, in, env); ok {
			next.Channel, next.Session = in.Channel, session
			return next, reply, append(events, evs...)
		}
		if next, evs, ok := s.campaignReply(h, st, env); ok {
			next.Channel, next.Session = in.Channel, session
			return next, s.reply(next, in), append(events, evs...)
		}
	}
	consumed, advance := st.Consumed, true
	switch {
	case moved:
		// Show where the person was taken.
	case st.Node == "":
		// A new conversation; its first message only opens it.
		st, events = s.engine.Begin(flow.State{Lang: st.Lang}, env)
	case st.Channel != in.Channel || st.Session != session:
		// A new session on a conversation in progress: offer to resume.
		if st.Started() {
			if in.Channel == msg.USSD && !st.Resuming {
				h.abandoned = st.Node // the last session stopped here
			}
			st = s.engine.OfferResume(st)
		} else {
			st, events = s.engine.Begin(st, env)
		}
	default:
		input, fresh := newInput(st, in)
		if !fresh {
			advance = false // the same or an older text: show the same screen
			break
		}
		if next, ok := s.page(st, in, input); ok {
			st = next
			break
		}
		if s.unseenOption(st, in, input) {
			// An option of another page of this screen: a person answers
			// only what they have seen (consent above all).
			st = s.engine.Unseen(st)
			break
		}
		// The state was decoded for this hop: the engine may keep its
		// answers and history rather than copy them.
		st, events = s.engine.StepOwned(st, input, env)
	}
	if s.lost(st) {
		// "1. Continue" or "0. Back" onto a screen a flow edit removed.
		var more []flow.Event
		st, more = s.relocate(h, st, env)
		events = append(events, more...)
	}
	st.Channel, st.Session = in.Channel, session
	if in.Cumulative {
		st.Consumed = consumed
		if advance {
			st.Consumed = len(in.Text)
		}
	} else if in.Channel == msg.USSD {
		// The hop number of a route that sends only the latest answer (0
		// without one, so that a new session starts afresh).
		st.Consumed = consumed
		if advance {
			st.Consumed, _ = seqOf(in)
		}
	}
	return st, s.reply(st, in), events
}

// newInput returns the part of the message the conversation has not seen.
// For a cumulative USSD text that is what follows the consumed prefix and its
// '*', so an answer may itself contain '*'.
func newInput(st flow.State, in msg.Inbound) (string, bool) {
	if !in.Cumulative {
		// A route that sends only the latest answer numbers its hops: a
		// late retry of an earlier hop must not answer the screen shown
		// now (it could give a consent the person never gave).
		if n, ok := seqOf(in); ok && n <= st.Consumed {
			return "", false
		}
		return in.Text, true
	}
	t, c := in.Text, st.Consumed
	switch {
	case len(t) <= c:
		// The same text again, or a late duplicate of an earlier hop: show
		// the current screen, change nothing.
		return "", false
	case c == 0:
		return t, true
	case len(t) > c && t[c] == '*':
		return t[c+1:], true
	}
	// Not an extension of what we saw: take the last input.
	return t[strings.LastIndexByte(t, '*')+1:], true
}

// seqOf reads the hop number of a route that sends only the latest answer
// (msg.Inbound.Seq), when it is a whole number from 1.
func seqOf(in msg.Inbound) (int, bool) {
	n, err := strconv.Atoi(in.Seq)
	return n, err == nil && n > 0 && in.Channel == msg.USSD
}

// page handles "98" (next page) and "0" (previous page) on a paged screen.
func (s *Service) page(st flow.State, in msg.Inbound, input string) (flow.State, bool) {
	ch := in.Channel
	if ch != msg.USSD {
		return st, false
	}
	typed := strings.TrimSpace(input)
	if typed != "98" && typed != "0" {
		return st, false
	}
	pages := s.rendererFor(in.From).Pages(ch, s.engine.Screen(st), st.Lang, st.Answers)
	switch {
	// The hint stays while paging: the pages were counted with it.
	case typed == "98" && st.Page+1 < len(pages):
		st.Page++
		return st, true
	case typed == "0" && st.Page > 0:
		st.Page--
		return st, true
	}
	return st, false
}

// unseenOption tells whether input picks an option of the current USSD
// screen that the page shown does not show (it is on another page).
func (s *Service) unseenOption(st flow.State, in msg.Inbound, input string) bool {
	ch, r := in.Channel, s.rendererFor(in.From)
	if ch != msg.USSD || st.Resuming {
		return false
	}
	n, err := strconv.Atoi(strings.TrimSpace(input))
	if err != nil || n < 1 {
		return false
	}
	sc := s.engine.Screen(st)
	if n > len(sc.Options) {
		return false
	}
	pages := r.Pages(ch, sc, st.Lang, st.Answers)
	if len(pages) < 2 {
		return false
	}
	_, opts := r.Lines(sc, st.Lang, st.Answers)
	p := min(st.Page, len(pages)-1)
	for _, line := range strings.Split(pages[p], "\n") {
		if line == opts[n-1] {
			return false
		}
	}
	return true
}

// reply renders the state's screen for the message's channel, within the
// USSD budget of the sender's operator.
func (s *Service) reply(st flow.State, in msg.Inbound) msg.Reply {
	sc := s.engine.Screen(st)
	pages := s.rendererFor(in.From).Pages(in.Channel, sc, st.Lang, st.Answers)
	p := st.Page
	if p >= len(pages) {
		p = len(pages) - 1
	}
	return msg.Reply{Messages: []string{pages[p]}, End: sc.End && p == len(pages)-1}
}

// apology is the reply when the store fails, in the person's language when
// known, in both otherwise.
func (s *Service) apology(lang msg.Lang) msg.Reply {
	var t string
	switch lang {
	case msg.French, msg.English:
		t = s.render.Text(lang, MsgUnavailable)
	default:
		t = s.render.Text(msg.French, MsgUnavailable) + " / " + s.render.Text(msg.English, MsgUnavailable)
	}
	return msg.Reply{Messages: []string{t}, End: true}
}

// MsgUnavailable is the apology shown when the store fails.
const MsgUnavailable = flow.MsgUnavailable

// campaignReply answers an SMS sent within a campaign's reply window: the
// person enters the campaign's flow at its node, their message taken as the
// answer there. The window closes with the hop's commit.
func (s *Service) campaignReply(h *hop, st flow.State, env flow.Env) (flow.State, []flow.Event, bool) {
	if h.window == "" {
		return st, nil, false
	}
	f := strings.Split(h.window, "|")
	if len(f) != 4 {
		return st, nil, false
	}
	id, key := f[0], f[1]+":"+f[2]
	if until, err := strconv.ParseInt(f[3], 10, 64); err != nil || h.now.UnixMilli() > until {
		return st, nil, false // the window has passed
	}
	h.fx.CampaignReply = id
	if !s.engine.IsEntry(key) {
		return st, nil, false // the flow changed since: the window just closes
	}
	st.Answers = setAnswer(st.Answers, AnsCampaign, id)
	next, evs := s.engine.Goto(st, key, env)
	if next.Done {
		return next, evs, true
	}
	next, more := s.engine.Step(next, h.in.Text, env)
	return next, append(evs, more...), true
}

func setAnswer(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// lost tells whether st stands on a node the flows no longer have: a flow
// edit removed it after the conversation was stored.
func (s *Service) lost(st flow.State) bool {
	if st.Node == "" || st.Done {
		return false
	}
	_, ok := s.engine.Set().Node(st.Node)
	return !ok
}

// relocate takes a lost conversation (see lost) to the start of its flow,
// or to the main menu when the flow itself is gone, with MsgFlowChanged
// shown above that screen once. The answers are forgotten, as on "start
// again": they were given on a path that no longer exists. The language and
// a question asked outside the flows (Pending) are kept.
func (s *Service) relocate(h *hop, st flow.State, env flow.Env) (flow.State, []flow.Event) {
	next, events := s.engine.Restart(st, env)
	next.Pending, next.Hint = st.Pending, MsgFlowChanged
	s.log.InfoContext(h.ctx, "conversation moved: its node is no longer in the flows",
		"person", string(h.p), "from", st.Node, "to", next.Node)
	return next, events
}

// MsgFlowChanged is the notice shown above the screen a person is taken to
// when a flow edit removed the node their conversation stood on.
const MsgFlowChanged = "chat.flow_changed"

func init() {
	Messages = append(Messages, MsgFlowChanged)
}
