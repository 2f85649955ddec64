// Package flow defines conversation flows as data and runs them.
//
// A flow file (flows/*.yaml) names its nodes; each node shows a message (by
// message ID; the wording lives in locales/) and says where the answer leads.
// The Engine is pure: the same definition, state and input always give the
// same state and events. It does no I/O, reads no clock and draws no random
// numbers; the host injects what it needs (see Env).
package flow

// SpecVersion is the flow file format this package reads.
const SpecVersion = 1

// NodeType is the kind of a node.
type NodeType string

// Node types. A menu offers numbered options; an input asks for free text and
// checks it; an info page shows text and continues on "1"; a branch shows
// nothing and jumps on a saved answer; an end shows its text and closes the
// conversation.
const (
	Menu   NodeType = "menu"
	Input  NodeType = "input"
	Info   NodeType = "info"
	Branch NodeType = "branch"
	End    NodeType = "end"
)

// Flow is one flow file.
type Flow struct {
	Spec  int    `yaml:"spec"`
	Name  string `yaml:"flow"`
	Start string `yaml:"start"`
	// Sources name where the facts shown by this flow come from, for staff review.
	Sources []string `yaml:"sources"`
	// Entries are nodes a conversation may enter from outside the flows:
	// a reply to a campaign that names flow and node.
	Entries []string         `yaml:"entries"`
	Nodes   map[string]*Node `yaml:"nodes"`
}

// Node is one step of a flow.
type Node struct {
	// ID is the node's key in its flow, filled in by Load.
	ID   string   `yaml:"-"`
	Type NodeType `yaml:"type"`
	// Say is the message ID of the text shown.
	Say string `yaml:"say"`
	// Hint is the message ID shown above the question after a wrong answer.
	Hint string `yaml:"hint"`
	// Save is the answer key under which the option's value or the input is kept.
	Save    string   `yaml:"save"`
	Options []Option `yaml:"options"`
	Check   *Check   `yaml:"check"`
	// Go is the next node: "node" in the same flow, "flow:node", or "@flow"
	// for another flow's start.
	Go string `yaml:"go"`
	// On is the answer key a branch looks at ("lang" is the language).
	On      string            `yaml:"on"`
	Cases   map[string]string `yaml:"cases"`
	Default string            `yaml:"default"`
	// Do lists the actions run on entering the node: "name" or "name:arg".
	Do []string `yaml:"do"`
	// Sources name where the facts on this page come from.
	Sources []string `yaml:"sources"`
}

// Option is one numbered choice of a menu.
type Option struct {
	Value string `yaml:"value"`
	Label string `yaml:"label"`
	Go    string `yaml:"go"`
}

// CheckKind names an input validator.
type CheckKind string

// Input validators: text with a length range and a character class, a whole
// number in a range, a four-digit year in a range.
const (
	CheckText   CheckKind = "text"
	CheckNumber CheckKind = "number"
	CheckYear   CheckKind = "year"
)

// Check describes how an input answer is validated.
type Check struct {
	Kind CheckKind `yaml:"kind"`
	Min  int       `yaml:"min"`
	Max  int       `yaml:"max"`
	// Chars restricts text: "any" (default) or "name" (letters, spaces,
	// apostrophes, dots and hyphens).
	Chars string `yaml:"chars"`
}

// Built-in message IDs every locale must define: the engine shows them itself.
const (
	MsgInvalidChoice = "common.invalid_choice"
	// MsgHintShort replaces a hint that would push a menu onto another page.
	MsgHintShort    = "common.hint_short"
	MsgInvalidInput = "common.invalid_input"
	MsgResume       = "common.resume"
	MsgContinue     = "common.continue"
	MsgRestart      = "common.restart"
	MsgMore         = "common.more"
	MsgBack         = "common.back"
	MsgHome         = "common.home"
	// MsgUnavailable is the apology when the store fails.
	MsgUnavailable = "common.unavailable"
	// MsgContactMissing stands in for a contact point staff left empty.
	MsgContactMissing = "contact.missing"
)

// BuiltinMessages lists the message IDs the engine and renderer use directly.
var BuiltinMessages = []string{MsgInvalidChoice, MsgHintShort, MsgInvalidInput, MsgResume, MsgContinue, MsgRestart, MsgMore, MsgBack, MsgHome, MsgUnavailable, MsgContactMissing}
