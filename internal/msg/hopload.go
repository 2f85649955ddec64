package msg

import "time"

// Rate is how many messages one person may send in a period. A Limit of
// zero or less is no limit.
type Rate struct {
	Limit  int
	Period time.Duration
}

// HopLoad says what the load at the start of a hop does besides reading
// the conversation.
type HopLoad struct {
	// Dedupe names the hop for provider retries ("" for none): when it was
	// answered before, only its cached reply is returned.
	Dedupe string
	// Flood, when its Limit is positive, checks the message against the
	// person's limit once its reply was not found in the cache (a provider
	// retry is not a new message). A message refused is not read further;
	// an allowed one counts when its hop commits (Conversation.FloodMark).
	Flood Rate
}

// FloodVerdict is what a hop's load decided about the person's flood limit.
type FloodVerdict uint8

// Flood verdicts.
const (
	// FloodAllowed: the message is within the limit, or was not counted.
	FloodAllowed FloodVerdict = iota
	// FloodNotice: refused, and the first refusal since the person was
	// last let through: answer with the one notice of the period.
	FloodNotice
	// FloodSilent: refused after the notice was given: answer nothing.
	FloodSilent
)

// FloodMark is the flood limit's state after an allowed message, in the
// store's own encoding, and how long it lasts; the zero value writes
// nothing.
type FloodMark struct {
	Value string
	TTL   time.Duration
}
