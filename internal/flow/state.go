package flow

import "github.com/passerelle/passerelle/internal/msg"

// MaxHistory bounds how many screens "0" (back) can go back.
const MaxHistory = 16

// State is one person's conversation. The engine reads and returns it; the
// host stores it (as JSON) between hops.
type State struct {
	// Node is the full key ("flow:node") of the screen shown last.
	Node string `json:"n,omitempty"`
	// Page is the page of that screen shown last (USSD paging; the host's).
	Page int `json:"p,omitempty"`
	// Lang is the conversation language; empty until chosen.
	Lang msg.Lang `json:"l,omitempty"`
	// Answers are the answers given so far, by key (values, never labels).
	Answers map[string]string `json:"a,omitempty"`
	// History holds the previous screens, for "0" (back).
	History []string `json:"h,omitempty"`
	// Hint is a message ID to show above the question once, after a wrong answer.
	Hint string `json:"i,omitempty"`
	// Resuming tells that the person was asked to continue or start again.
	Resuming bool `json:"r,omitempty"`
	// Done tells that the conversation reached an end node.
	Done bool `json:"d,omitempty"`
	// Channel, Session and Consumed belong to the host: the channel and the
	// provider session of the last hop, and how many bytes of a cumulative
	// USSD text were consumed.
	Channel  msg.Channel `json:"c,omitempty"`
	Session  string      `json:"s,omitempty"`
	Consumed int         `json:"u,omitempty"`
	// Updated is when the host last stored the state (Unix seconds; the host's).
	Updated int64 `json:"t,omitempty"`
	// Pending is a question the host asked outside the flow (the erasure
	// confirmation); the host's.
	Pending string `json:"q,omitempty"`
}

// Started tells whether the person is past the first screen of the
// conversation and not done: a dropped session may then be resumed.
func (s *State) Started() bool {
	return s.Node != "" && !s.Done && len(s.History) > 0
}

func (s *State) clone() State {
	c := *s
	if s.Answers != nil {
		c.Answers = make(map[string]string, len(s.Answers))
		for k, v := range s.Answers {
			c.Answers[k] = v
		}
	}
	c.History = append([]string(nil), s.History...)
	return c
}
