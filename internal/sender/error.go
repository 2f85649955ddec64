package sender

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error is a failed send, classified for the caller.
type Error struct {
	// Provider names the sender: "twilio", "africastalking".
	Provider string
	// Status is the HTTP status the provider answered, 0 if none.
	Status int
	// Code is the provider's own error or status code ("21610", "403").
	Code string
	// Retryable tells that the same message may succeed later: rate
	// limits, provider outages, network errors and timeouts.
	Retryable bool
	// OptedOut tells that the person blocked messages (STOP, blacklist,
	// do-not-disturb); never retry, stop sending to them.
	OptedOut bool
	// InvalidNumber tells that the number cannot receive SMS; never retry.
	InvalidNumber bool
	// RetryAfter is the wait the provider asked for before trying again
	// (its Retry-After header, in delta-seconds or HTTP-date form), at most
	// MaxRetryAfter; 0 when it sent none or an unreadable one.
	RetryAfter time.Duration
	// Err is the underlying cause.
	Err error
}

// Error describes the failure. Runs of six or more digits are masked, since
// providers quote the number in their messages.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Status != 0 {
		fmt.Fprintf(&b, " http %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}
	switch {
	case e.OptedOut:
		b.WriteString(" (opted out)")
	case e.InvalidNumber:
		b.WriteString(" (invalid number)")
	case e.Retryable:
		b.WriteString(" (retryable)")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " retry after %v", e.RetryAfter)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(maskDigits(e.Err.Error()))
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err wraps an *Error that may succeed if sent
// again later.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// IsOptedOut reports whether err wraps an *Error telling that the person
// refuses messages.
func IsOptedOut(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.OptedOut
}

// IsInvalidNumber reports whether err wraps an *Error telling that the
// number cannot receive SMS.
func IsInvalidNumber(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.InvalidNumber
}

// maskDigits replaces every run of six or more digits in s by "***".
func maskDigits(s string) string {
	var b strings.Builder
	run := 0 // length of the digit run ending at i
	start := 0
	flush := func(end int) {
		if run >= 6 {
			b.WriteString("***")
		} else {
			b.WriteString(s[start:end])
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run == 0 {
				start = i
			}
			run++
			continue
		}
		if run > 0 {
			flush(i)
			run = 0
		}
		b.WriteByte(s[i])
	}
	if run > 0 {
		flush(len(s))
	}
	return b.String()
}
