// Package channel holds what every provider adapter shares: the error an
// adapter returns for a request it cannot accept. Each provider's wire format
// lives in its own sub-package and turns requests into msg.Inbound values.
package channel

import (
	"errors"
	"fmt"
)

// Error is a request the adapter refuses: its Status (a 4xx) and a short
// reason safe to show the provider (never the person's data).
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("bad request (%d): %s", e.Status, e.Reason) }

// BadRequest returns a 400 Error.
func BadRequest(format string, args ...any) error {
	return &Error{Status: 400, Reason: fmt.Sprintf(format, args...)}
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
