// Package msg holds Passerelle's domain values: channels, addresses,
// languages, inbound messages, replies and outbound messages. It depends on
// nothing but the standard library.
package msg

import (
	"errors"
	"fmt"
	"time"
)

// Channel is the kind of conversation a message belongs to.
type Channel string

// Channels Passerelle speaks.
const (
	USSD Channel = "ussd"
	SMS  Channel = "sms"
)

// Lang is a conversation language: an ISO 639 code of two or three
// lowercase letters ("fr", "en", "pcm"). Which languages Passerelle speaks
// is data: a language is any code with locale files (see package l10n).
type Lang string

// Languages Passerelle ships: the reference languages, in which every text
// must exist.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// DefaultLang is used before a person has chosen.
const DefaultLang = French

// ParseLang returns the Lang for a language code: two or three lowercase
// ASCII letters, such as "fr", "en" or "pcm" (Cameroonian Pidgin). It returns
// an error for anything else ("", "FR", "fr-CM", "fr1"). ParseLang checks the
// form only: whether texts exist in that language is the catalog's business
// (l10n.Catalog.HasLang).
func ParseLang(s string) (Lang, error) {
	if n := len(s); n < 2 || n > 3 {
		return "", fmt.Errorf("error parsing language %q: want a code of 2 or 3 lowercase letters (fr, en, pcm)", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return "", fmt.Errorf("error parsing language %q: want a code of 2 or 3 lowercase letters (fr, en, pcm)", s)
		}
	}
	return Lang(s), nil
}

// Inbound is one message from a person, already decoded from its provider's
// wire format.
type Inbound struct {
	Channel  Channel
	Provider string  // "africastalking", "twilio", …
	From     Address // the person
	To       string  // the service code or our number, as the provider sent it
	// Session is the provider's session id (USSD) or empty (SMS).
	Session string
	// Text is what the person sent. For a cumulative USSD provider it is every
	// input of the session joined by '*' (see Cumulative).
	Text string
	// Cumulative tells that Text holds the whole session's inputs joined by '*'.
	Cumulative bool
	// Seq numbers the hop within its USSD session, for a provider that
	// sends only the latest answer (Hubtel's Sequence): it tells a retry
	// of a hop from the same answer given twice. Empty: the session and
	// text alone name the hop.
	Seq string
	// ReplyOutOfBand tells that the provider takes no inline reply (Africa's
	// Talking SMS): the reply's messages are queued in the outbox by the
	// hop's commit.
	ReplyOutOfBand bool
	// ExternalID identifies the message at the provider (Twilio MessageSid,
	// Africa's Talking id); providers retry with the same id. Empty for USSD,
	// where Session and Text identify a hop.
	ExternalID string
	// Received is when the gateway received it.
	Received time.Time
}

// Reply is what the conversation answers to one inbound message.
type Reply struct {
	// Messages are the texts to show, in order. A USSD reply has exactly one.
	Messages []string
	// End tells that the conversation is over (USSD END).
	End bool
}

// Outbound is a message Passerelle sends on its own initiative
// (confirmations, information pages, replies that cannot go inline,
// campaigns).
type Outbound struct {
	ID   string // our id, echoed back by delivery status callbacks
	To   Address
	Text string
	// Person is the recipient's keyed hash: the outbox checks their opt-out
	// at send time and erasure finds their queued messages by it.
	Person PersonID
	// Lane is the outbox lane; empty is LaneConversation.
	Lane Lane
	// Kind says why the message is sent.
	Kind Kind
	// Campaign names the campaign of a bulk message.
	Campaign string
	// ResendUnknown asks the bulk lane to send again a message whose
	// outcome is unknown (the conversation lane always does).
	ResendUnknown bool
}

// Lane is an outbox lane. Conversation messages never wait behind bulk
// ones.
type Lane string

// Outbox lanes.
const (
	LaneConversation Lane = "conv"
	LaneBulk         Lane = "bulk"
)

// Lanes lists the outbox lanes, conversation first.
var Lanes = []Lane{LaneConversation, LaneBulk}

// Kind says why an outbound message is sent.
type Kind string

// Kinds of outbound messages.
const (
	// KindPage is a page the person asked "by SMS".
	KindPage Kind = "page"
	// KindConfirmation confirms a registration or a call-back request.
	KindConfirmation Kind = "confirmation"
	// KindReply is the reply to an inbound SMS that cannot go inline.
	KindReply Kind = "reply"
	// KindStopReply confirms a STOP: the one message sent to a person who
	// opted out.
	KindStopReply Kind = "stop_reply"
	// KindCampaign is a campaign message.
	KindCampaign Kind = "campaign"
)

// ErrInvalidAddress is returned for a phone number that is not E.164.
var ErrInvalidAddress = errors.New("invalid phone number")
