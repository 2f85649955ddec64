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

// Lang is a conversation language.
type Lang string

// Languages Passerelle ships.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// DefaultLang is used before a person has chosen.
const DefaultLang = French

// ParseLang returns the Lang for "fr" or "en".
// It returns an error for any other value.
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case French, English:
		return Lang(s), nil
	}
	return "", fmt.Errorf("error parsing language %q: want fr or en", s)
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
// (confirmations, information pages, campaigns).
type Outbound struct {
	ID   string // our id, echoed back by delivery status callbacks
	To   Address
	Text string
}

// ErrInvalidAddress is returned for a phone number that is not E.164.
var ErrInvalidAddress = errors.New("invalid phone number")
