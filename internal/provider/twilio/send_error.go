package twilio

import (
	"errors"
	"strconv"

	"github.com/passerelle/passerelle/internal/sender"
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
func twilioError(err error, status int) *sender.Error {
	e := &sender.Error{Provider: Provider, Status: status, Err: err}
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
	case sender.IsNetwork(err):
		e.Retryable = true
		return e
	}
	e.Retryable = sender.RetryableStatus(e.Status)
	return e
}
