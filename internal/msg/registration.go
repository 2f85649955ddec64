package msg

import "time"

// Registration is what a person gave in the registration flow, as stored for
// programme staff.
type Registration struct {
	Ref     string            `json:"ref"`
	Person  PersonID          `json:"-"`
	Phone   Address           `json:"phone"`
	Lang    Lang              `json:"lang"`
	Channel Channel           `json:"channel"`
	Created time.Time         `json:"created"`
	Answers map[string]string `json:"answers"`
}

// Indexed lists the answers registrations are indexed (and filtered) by.
var Indexed = []string{"region", "situation", "sector"}

// Conversation is a person's stored conversation as the store sees it: an
// opaque state and its version, the person's language, and the reply cached
// for a hop already answered.
type Conversation struct {
	// State is the encoded conversation state; nil when there is none.
	State []byte
	// Version increases with every change; 0 when there is no state.
	Version int64
	// Lang is the person's remembered language, if any.
	Lang Lang
	// Reply is the encoded reply of the same hop answered before, if any.
	Reply []byte
	// Quota holds the person's quota counters as stored ("<window>:<count>"
	// by name), read with the state so that a hop decides from them and its
	// commit writes them back under the same compare-and-set.
	Quota map[string]string
	// CampaignReply is the open reply window of a campaign the person
	// received ("<campaign>|<flow>|<node>"), read for SMS hops.
	CampaignReply string
	// RegRef is the reference of the person's registration, if any.
	RegRef string
	// Flood is the verdict of the flood limit the load checked the
	// message against (HopLoad.Flood); a refused message carries nothing
	// else.
	Flood FloodVerdict
	// FloodMark is what counts an allowed message against the flood limit:
	// the hop's Change carries it, and its commit writes it, so that a
	// message counts once, when its hop happens.
	FloodMark FloodMark
}

// Change is what one hop writes, all or nothing.
type Change struct {
	// Version is the version the hop read; the change applies only if the
	// stored version is still the same.
	Version int64
	// State is the new encoded state; nil deletes the conversation.
	State    []byte
	StateTTL time.Duration
	// Lang, when set, is remembered as the person's language.
	Lang Lang
	// Dedupe names the hop; Reply is cached under it for DedupeTTL.
	Dedupe    string
	Reply     []byte
	DedupeTTL time.Duration
	// Registration, when set, is stored with its indexes.
	Registration *Registration
	// Effects are everything else the hop caused, written by the same
	// commit.
	Effects Effects
	// Reached is the node ("flow:node") the hop showed, when it moved the
	// person there; Abandoned the node where the person's previous session
	// stopped without finishing. Staff's funnel counts them.
	Reached, Abandoned string
	// FloodMark, from the hop's load (Conversation.FloodMark), counts the
	// message against the person's flood limit.
	FloodMark FloodMark
}

// Filter selects registrations for staff: empty fields match everything.
type Filter struct {
	Region    string
	Situation string
	Lang      Lang
	Sector    string
	// Offset and Limit page the result, newest first.
	Offset, Limit int
}
