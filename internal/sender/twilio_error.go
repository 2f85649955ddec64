package sender

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"

	"github.com/twilio/twilio-go/client"
)

// Twilio error codes with a meaning for the caller.
const (
	twilioTooManyRequests = 20429
	twilioOptedOut        = 21610 // the person replied STOP
	twilioInvalidTo       = 21211
	twilioNotMobile       = 21614 // not a mobile number
)

// twilioError classifies an error of twilio-go. status is the last HTTP
// status seen on the wire, 0 if none.
func twilioError(err error, status int) *Error {
	e := &Error{Provider: ProviderTwilio, Status: status, Err: err}
	var rest *client.TwilioRestError
	switch {
	case errors.As(err, &rest):
		if rest.Status != 0 {
			e.Status = rest.Status
		}
		if rest.Code != 0 {
			e.Code = strconv.Itoa(rest.Code)
		}
		switch rest.Code {
		case twilioOptedOut:
			e.OptedOut = true
			return e
		case twilioInvalidTo, twilioNotMobile:
			e.InvalidNumber = true
			return e
		case twilioTooManyRequests:
			e.Retryable = true
			return e
		}
	case isNetwork(err):
		e.Retryable = true
		return e
	}
	e.Retryable = retryableStatus(e.Status)
	return e
}

// retryableStatus reports whether an HTTP status asks to try again later.
func retryableStatus(status int) bool {
	return status == 429 || status >= 500
}

// isNetwork reports whether err is a transport failure or a timeout, after
// which the provider may not have seen the request.
func isNetwork(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}
