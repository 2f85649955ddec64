package africastalking

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/passerelle/passerelle/internal/sender"
)

// atAnswer is the JSON answer of POST /version1/messaging.
type atAnswer struct {
	SMSMessageData struct {
		Message    string `json:"Message"`
		Recipients []struct {
			StatusCode int    `json:"statusCode"`
			Status     string `json:"status"`
			MessageID  string `json:"messageId"`
		} `json:"Recipients"`
	} `json:"SMSMessageData"`
}

// Africa's Talking recipient status codes with a meaning for the caller.
const (
	atProcessed          = 100
	atSent               = 101
	atQueued             = 102
	atInvalidPhoneNumber = 403
	atUserInBlacklist    = 406
	atDoNotDisturb       = 409
	atInternalError      = 500
	atGatewayError       = 501
)

// parseATAnswer returns the messageId of the only recipient of a send, or an
// *sender.Error classifying the recipient's statusCode when the answer carries one,
// else the HTTP status.
func parseATAnswer(status int, body []byte) (string, *sender.Error) {
	e := &sender.Error{Provider: Provider, Status: status}
	var a atAnswer
	decodeErr := json.Unmarshal(body, &a)
	rs := a.SMSMessageData.Recipients
	switch {
	case len(rs) > 0:
	case status < 200 || status > 299:
		e.Retryable = sender.RetryableStatus(status)
		e.Err = fmt.Errorf("answer %q", sender.Snippet(body))
		return "", e
	case decodeErr != nil:
		e.Err = fmt.Errorf("error decoding answer %q: %w", sender.Snippet(body), decodeErr)
		return "", e
	default:
		e.Code = a.SMSMessageData.Message
		e.Err = errors.New("answer carries no recipient")
		return "", e
	}
	r := rs[0]
	switch r.StatusCode {
	case atProcessed, atSent, atQueued:
		if r.MessageID == "" {
			e.Err = errors.New("answer carries no messageId")
			return "", e
		}
		return r.MessageID, nil
	case atInvalidPhoneNumber:
		e.InvalidNumber = true
	case atUserInBlacklist, atDoNotDisturb:
		e.OptedOut = true
	case atInternalError, atGatewayError:
		e.Retryable = true
	}
	e.Code = strconv.Itoa(r.StatusCode)
	e.Err = fmt.Errorf("recipient status %s", r.Status)
	return "", e
}
