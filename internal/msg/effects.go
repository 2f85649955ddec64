package msg

import "time"

// Effects are what a hop causes beyond its own state, as typed values. The
// commit that stores the hop's state stores them in the same atomic write:
// a hop that did not commit causes nothing, and a hop re-run after losing a
// compare-and-set causes everything once.
type Effects struct {
	// Callbacks are call-back requests to record.
	Callbacks []Callback
	// OptOut is OptedOut or OptedIn when the hop changed the person's
	// choice about information messages; empty otherwise.
	OptOut OptChoice
	// Quota are the person's quota counters after the hop, by name, as
	// "<window>:<count>"; QuotaTTL is how long they must be kept.
	Quota    map[string]string
	QuotaTTL time.Duration
	// Messages are queued in the outbox, in order.
	Messages []Outbound
	// Erase erases everything stored about the person (their opt-out
	// excepted) before the messages are queued.
	Erase bool
	// Subscribe adds the person to the subscribers of information messages
	// (with their language and number), or removes them (OptedOut).
	Subscribe OptChoice
	// Lang and Phone describe the person for a subscription.
	Lang  Lang
	Phone Address
	// CampaignReply is the campaign whose reply window this hop used: the
	// window closes and the reply is counted.
	CampaignReply string
	// CampaignAnswers, when set, are kept as the person's answers to a
	// campaign's reply flow.
	CampaignAnswers *CampaignAnswers
}

// CampaignAnswers are a person's answers to a campaign's reply flow.
type CampaignAnswers struct {
	Campaign string            `json:"-"`
	Phone    Address           `json:"phone"`
	Lang     Lang              `json:"lang"`
	At       time.Time         `json:"at"`
	Answers  map[string]string `json:"answers"`
}

// Empty tells whether there is nothing to write.
func (e *Effects) Empty() bool {
	return len(e.Callbacks) == 0 && e.OptOut == "" && len(e.Quota) == 0 && len(e.Messages) == 0 && !e.Erase &&
		e.Subscribe == "" && e.CampaignReply == "" && e.CampaignAnswers == nil
}

// OptChoice is a person's choice about information messages.
type OptChoice string

// Opt-out choices.
const (
	OptedOut OptChoice = "out"
	OptedIn  OptChoice = "in"
)
