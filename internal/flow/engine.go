package flow

import (
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// Env is what the host lends the engine for one step. Tests inject fixed
// values so that transcripts are stable.
type Env struct {
	// Ref returns a new reference code (registrations, call-backs).
	Ref func() string
	// Lookup answers a branch on a key that is not an answer (deployment
	// features such as "feature_cfce_costs"); nil answers nothing.
	Lookup func(key string) string
	// Do is handed every action while the node is entered; the answers it
	// returns (the outcome a flow branches on: reg_found, sms) are merged
	// into the state before branches look at them. The host records the
	// action as an effect of the hop; it carries out nothing itself.
	Do func(ev Event) map[string]string
	// Visit, when set, is told every node entered and the language then
	// (coverage of golden transcripts).
	Visit func(key string, lang msg.Lang)
}

// Event is something the host must do after a step: the engine only
// describes it.
type Event struct {
	// Action is the action name from the flow ("set_language", …).
	Action string
	// Arg is the action's argument ("name:arg" in the flow), if any.
	Arg string
	// Node is the full key of the node whose entry raised the event.
	Node string
	// Lang is the conversation language after the step.
	Lang msg.Lang
	// Ref is the reference code drawn for the event, if any.
	Ref string
	// Answers is a copy of the answers when the event was raised.
	Answers map[string]string
}

// Engine runs the flows of a Set. It is safe for concurrent use.
type Engine struct {
	set *Set
}

// NewEngine returns an engine over a loaded (and validated) set.
func NewEngine(set *Set) *Engine { return &Engine{set: set} }

// Set returns the engine's flows.
func (e *Engine) Set() *Set { return e.set }

// maxHops bounds the chain of branches entered in one step.
const maxHops = 32

// Begin starts a new conversation at the entry, keeping the language.
func (e *Engine) Begin(st State, env Env) (State, []Event) {
	lang := st.Lang
	st = State{Lang: lang, Channel: st.Channel, Session: st.Session, Consumed: st.Consumed}
	return e.enter(st, e.set.Entry, env, nil)
}

// Restart starts the flow the person is in again from its first node,
// forgetting the answers and keeping the language.
func (e *Engine) Restart(st State, env Env) (State, []Event) {
	flowName, _ := split(st.Node)
	f, ok := e.set.Flows[flowName]
	if !ok {
		return e.Begin(st, env)
	}
	st = State{Lang: st.Lang, Channel: st.Channel, Session: st.Session, Consumed: st.Consumed}
	return e.enter(st, flowName+":"+f.Start, env, nil)
}

// Goto enters node key ("flow:node") from outside the flows (a reply to a
// campaign), keeping the language and the answers; the current screen goes
// into the history, so "0" leads back to it.
func (e *Engine) Goto(st State, key string, env Env) (State, []Event) {
	st = st.clone()
	st.Hint, st.Resuming, st.Done, st.Page = "", false, false, 0
	st = push(st)
	return e.enter(st, key, env, nil)
}

// IsEntry tells whether key ("flow:node") is one of its flow's entries.
func (e *Engine) IsEntry(key string) bool {
	flow, node := split(key)
	f, ok := e.set.Flows[flow]
	if !ok {
		return false
	}
	for _, n := range f.Entries {
		if n == node {
			return true
		}
	}
	return false
}

// OfferResume marks a started conversation as waiting for "continue or start
// again"; Screen then shows that question.
func (e *Engine) OfferResume(st State) State {
	st = st.clone()
	st.Resuming = true
	st.Page = 0
	st.Hint = ""
	return st
}

// Home goes to the entry (the main menu), keeping the answers.
func (e *Engine) Home(st State, env Env) (State, []Event) {
	st = st.clone()
	st.Hint, st.Resuming = "", false
	st = push(st)
	return e.enter(st, e.set.Entry, env, nil)
}

// Step applies one answer. "0" goes back one screen and "00" to the main
// menu; anything the current node does not accept repeats it with a hint.
// st is left as it was.
func (e *Engine) Step(st State, input string, env Env) (State, []Event) {
	if st.Node == "" || st.Done {
		return e.Begin(st, env)
	}
	return e.step(st.clone(), input, env)
}

// StepOwned is Step for a caller that owns st and gives it up (a state
// decoded for this hop): st's answers and history become the result's
// rather than being copied first, so st must not be used afterwards.
func (e *Engine) StepOwned(st State, input string, env Env) (State, []Event) {
	if st.Node == "" || st.Done {
		return e.Begin(st, env)
	}
	return e.step(st, input, env)
}

// step is Step on a state it may change.
func (e *Engine) step(st State, input string, env Env) (State, []Event) {
	st.Hint = ""
	in := strings.TrimSpace(input)
	if st.Resuming {
		switch in {
		case "1":
			st.Resuming = false
			return st, nil
		case "2":
			return e.Restart(st, env)
		}
		st.Hint = MsgInvalidChoice
		return st, nil
	}
	switch in {
	case "00":
		return e.Home(st, env)
	case "0":
		if n := len(st.History); n > 0 {
			// The answers of the screen left and of the one returned to
			// are asked again: forget them, so that a path now skipped
			// leaves none behind.
			e.forget(&st, st.Node)
			e.forget(&st, st.History[n-1])
			st.Node, st.History, st.Page = st.History[n-1], st.History[:n-1], 0
			return st, nil
		}
	}
	node, ok := e.set.Node(st.Node)
	if !ok { // the flow changed under a stored conversation
		return e.Begin(st, env)
	}
	from, _ := split(st.Node)
	switch node.Type {
	case Menu:
		i, err := strconv.Atoi(in)
		if err != nil || i < 1 || i > len(node.Options) {
			return e.wrong(st, node, MsgInvalidChoice), nil
		}
		o := node.Options[i-1]
		if node.Save != "" {
			st.Answers = setAnswer(st.Answers, node.Save, o.Value)
		}
		next := o.Go
		if next == "" {
			next = node.Go
		}
		return e.enter(push(st), e.set.resolve(from, next), env, nil)
	case Input:
		v, ok := node.Check.Apply(input)
		if !ok {
			return e.wrong(st, node, MsgInvalidInput), nil
		}
		if node.Save != "" {
			st.Answers = setAnswer(st.Answers, node.Save, v)
		}
		return e.enter(push(st), e.set.resolve(from, node.Go), env, nil)
	case Info:
		if in != "1" {
			return e.wrong(st, node, MsgInvalidChoice), nil
		}
		return e.enter(push(st), e.set.resolve(from, node.Go), env, nil)
	}
	return e.Begin(st, env)
}

// Unseen answers a choice the person has not seen (an option on another
// page of the screen): the same page again, with the invalid-choice hint.
func (e *Engine) Unseen(st State) State {
	st = st.clone()
	st.Hint = MsgInvalidChoice
	if n, ok := e.set.Node(st.Node); ok && n.Hint != "" {
		st.Hint = n.Hint
	}
	return st
}

// forget drops the answer a node saves.
func (e *Engine) forget(st *State, key string) {
	if n, ok := e.set.Node(key); ok && n.Save != "" && n.Save != "lang" {
		delete(st.Answers, n.Save)
	}
}

func (e *Engine) wrong(st State, n *Node, def string) State {
	st.Hint = def
	if n.Hint != "" {
		st.Hint = n.Hint
	}
	st.Page = 0
	return st
}

// enter moves to key, runs its actions and follows branches.
func (e *Engine) enter(st State, key string, env Env, evs []Event) (State, []Event) {
	for hop := 0; hop < maxHops; hop++ {
		n, ok := e.set.Node(key)
		if !ok {
			break
		}
		st.Node, st.Page = key, 0
		if env.Visit != nil {
			env.Visit(key, st.Lang)
		}
		for _, a := range n.Do {
			var ev Event
			st, ev = e.act(st, key, a, env)
			evs = append(evs, ev)
		}
		switch n.Type {
		case Branch:
			from, _ := split(key)
			key = e.set.resolve(from, branchTarget(n, st, env))
			continue
		case End:
			st.Done = true
		}
		return st, evs
	}
	// Unreachable with a validated set; fall back to the entry's screen.
	st.Node, st.Done = e.set.Entry, false
	return st, evs
}

func branchTarget(n *Node, st State, env Env) string {
	if n.On == "" {
		return n.Go
	}
	v, ok := st.Answers[n.On]
	switch {
	case n.On == "lang":
		v = string(st.Lang)
	case !ok && env.Lookup != nil:
		v = env.Lookup(n.On)
	}
	if t, ok := n.Cases[v]; ok {
		return t
	}
	if n.Default != "" {
		return n.Default
	}
	return n.Go
}

func (e *Engine) act(st State, key, action string, env Env) (State, Event) {
	name, arg, _ := strings.Cut(action, ":")
	ev := Event{Action: name, Arg: arg, Node: key}
	switch name {
	case ActSetLanguage:
		// The languages are data: French and English (every catalog has
		// them), and any code the flows offer, as a value of a menu saving
		// "lang" (the language menu) or as the action's own argument.
		// Content checks (content.Check, which the gateway runs at
		// start-up) hold each offered code to a language with locale
		// files; anything else keeps the current language.
		v := arg
		if v == "" {
			v = st.Answers["lang"]
		}
		_, offered := e.set.Label("lang", v)
		if l, err := msg.ParseLang(v); err == nil && (offered || arg != "" || l == msg.French || l == msg.English) {
			st.Lang = l
		}
	case ActSaveRegistration, ActRequestCallback:
		if env.Ref != nil {
			ev.Ref = env.Ref()
			st.Answers = setAnswer(st.Answers, "ref", ev.Ref)
		}
	case ActClearAnswers:
		st.Answers = nil
	}
	if env.Do != nil {
		ev.Lang = st.Lang
		ev.Answers = st.Answers
		for k, v := range env.Do(ev) {
			st.Answers = setAnswer(st.Answers, k, v)
		}
	}
	ev.Lang = st.Lang
	if st.Answers != nil {
		ev.Answers = make(map[string]string, len(st.Answers))
		for k, v := range st.Answers {
			ev.Answers[k] = v
		}
	}
	return st, ev
}

func push(st State) State {
	if st.Node == "" {
		return st
	}
	st.History = append(st.History, st.Node)
	if len(st.History) > MaxHistory {
		st.History = st.History[len(st.History)-MaxHistory:]
	}
	return st
}

func setAnswer(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
