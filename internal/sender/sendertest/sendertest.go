// Package sendertest holds what the tests of every provider's sender
// share: a message to send and the check of the wait a refusal carries.
package sendertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// To is the recipient of Msg.
const To = msg.Address("+237670000001")

// Msg is a message to send, with a letter outside GSM-7.
var Msg = msg.Outbound{ID: "m-42", To: To, Text: "Bonjour, votre référence est 12."}

// RetryAfterCase is a provider answer and the wait its error must carry,
// between Min and Max (an HTTP-date is counted from the moment it is read).
type RetryAfterCase struct {
	Name       string
	Status     int
	Body       string
	RetryAfter string // the header; "" sends none
	Min, Max   time.Duration
}

// Header is the answer's header: Retry-After when the case has one, with
// InTwoMinutes written as the date two minutes from the call (a table
// built at a test's start may be used a minute later on a busy machine).
func (c RetryAfterCase) Header() http.Header {
	h := http.Header{}
	switch c.RetryAfter {
	case "":
	case InTwoMinutes:
		h.Set("Retry-After", time.Now().Add(2*time.Minute).UTC().Format(http.TimeFormat))
	default:
		h.Set("Retry-After", c.RetryAfter)
	}
	return h
}

// InTwoMinutes, as a case's RetryAfter, is an HTTP-date two minutes from
// when the fake answers.
const InTwoMinutes = "<HTTP-date in two minutes>"

// CheckRetryAfter fails t unless err is retryable and carries c's wait.
func CheckRetryAfter(t *testing.T, err error, c RetryAfterCase) {
	t.Helper()
	if !sender.IsRetryable(err) {
		t.Fatalf("Send err = %v, want retryable", err)
	}
	if got := sender.RetryAfterOf(err); got < c.Min || got > c.Max {
		t.Fatalf("RetryAfterOf(%v) = %v, want %v to %v", err, got, c.Min, c.Max)
	}
}

// Wait returns a RetryAfterCase: the answer (status, body, Retry-After
// header) and the bounds of the wait its error must carry.
func Wait(name string, status int, body, retryAfter string, min, max time.Duration) RetryAfterCase {
	return RetryAfterCase{Name: name, Status: status, Body: body, RetryAfter: retryAfter, Min: min, Max: max}
}
