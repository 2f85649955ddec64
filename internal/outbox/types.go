package outbox

import (
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Entry is one message's place in a lane's stream, and the message the
// entry carries.
type Entry struct {
	// StreamID is the stream entry's id; MsgID our message id.
	StreamID, MsgID string
	// Message is the message as queued (its Lane is set by Begin).
	Message msg.Outbound
	// HoldUntil, when set, holds the message until then without sending
	// it or counting an attempt (its place under the rates is later).
	HoldUntil time.Time
}

// Decision is what Begin decided for an entry.
type Decision string

// Decisions of Begin.
const (
	// Send: the message is to be sent now (Job.Message is filled).
	Send Decision = "send"
	// Gone: the message was erased (its person asked) or expired.
	Gone Decision = "gone"
	// Done: the message already has a final outcome (a duplicate entry).
	Done Decision = "done"
	// SkipOptedOut: the person opted out after the message was queued.
	SkipOptedOut Decision = "optout"
	// ReportUnknown: a bulk message whose previous attempt's outcome is
	// unknown, recorded as such and not sent again.
	ReportUnknown Decision = "unknown"
	// Deferred: a campaign message held for later (quiet hours, a
	// conversation under way, its campaign paused).
	Deferred Decision = "deferred"
	// CampaignCancelled: its campaign was cancelled; it is not sent.
	CampaignCancelled Decision = "cancelled"
)

// Guard is what campaign messages are checked against at send time.
type Guard struct {
	// QuietUntil, when after now, holds campaign messages until then.
	QuietUntil time.Time
	// SessionGuard defers a campaign message to a person whose conversation
	// changed less than this long ago (an SMS arriving during a USSD
	// session ends it on many phones); StateTTL is the conversations'
	// expiry, from which the store tells the time of the last change.
	SessionGuard, StateTTL time.Duration
}

// Job is an entry Begin handled: to send, or settled without sending.
type Job struct {
	Entry
	Decision Decision
	// Message is the message to send (Decision Send).
	Message msg.Outbound
	// Attempt counts the sends tried for the message, this one included.
	Attempt int
	// Unknown tells that a previous attempt's outcome is unknown: this is a
	// re-send (conversation lane) of a message that may have arrived.
	Unknown bool
}

// Result is how one send ended.
type Result string

// Results of a send.
const (
	// Sent: the provider accepted the message.
	Sent Result = "sent"
	// Retry: a retryable failure; try again at RetryAt.
	Retry Result = "retry"
	// Dead: attempts exhausted or a failure retrying cannot fix; the
	// message goes to the dead letters.
	Dead Result = "dead"
	// OptedOut: the provider says the person blocks our messages; they are
	// marked opted out.
	OptedOut Result = "optout"
	// Invalid: the number cannot receive SMS.
	Invalid Result = "invalid"
)

// Outcome is what a worker reports for one job.
type Outcome struct {
	Entry
	Result     Result
	Provider   string
	ProviderID string
	// Err is the failure, masked (no number), for staff.
	Err string
	// RetryAt is when to try again (Result Retry).
	RetryAt time.Time
}

// LaneStats is where a lane's messages stand.
type LaneStats struct {
	// Queued counts messages accepted and not yet settled (waiting, in
	// flight or waiting to be retried).
	Queued int64 `json:"queued"`
	// Waiting are in the stream, not yet read by a worker; InFlight read by
	// a worker and not acknowledged; Retrying waiting for a retry time.
	Waiting  int64 `json:"waiting"`
	InFlight int64 `json:"in_flight"`
	Retrying int64 `json:"retrying"`
	// Outcomes, counted since the outbox began.
	Sent        int64 `json:"sent"`
	Delivered   int64 `json:"delivered"`
	Failed      int64 `json:"failed"`
	Undelivered int64 `json:"undelivered"`
	Unknown     int64 `json:"unknown"`
	Resent      int64 `json:"resent_unknown"`
	Skipped     int64 `json:"skipped_opted_out"`
	Invalid     int64 `json:"invalid_number"`
	Erased      int64 `json:"erased"`
	// Dead counts the lane's dead letters now.
	Dead int64 `json:"dead"`
	// OldestAge is the age of the oldest message not yet acknowledged.
	OldestAge time.Duration `json:"-"`
}

// DeadLetter is a message that will not be sent unless staff retry it.
type DeadLetter struct {
	ID       string    `json:"id"`
	Lane     msg.Lane  `json:"lane"`
	Kind     msg.Kind  `json:"kind,omitempty"`
	Attempts int       `json:"attempts"`
	Err      string    `json:"last_error"`
	At       time.Time `json:"at"`
}

// Stats is where the outbox stands, per lane.
type Stats struct {
	Lanes map[msg.Lane]LaneStats
	Dead  []DeadLetter
}
