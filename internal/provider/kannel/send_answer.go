package kannel

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/passerelle/passerelle/internal/sender"
)

// Codes of the refusals a caller may act on (sender.Error.Code).
const (
	CodeAuth        = "auth"         // no sendsms-user with this username and password
	CodeNotRoutable = "not-routable" // no SMSC takes the message: staff must route it
	CodeDenied      = "denied"       // the number is denied by Kannel's white- or black-list
)

// parseAnswer reads smsbox's answer to sendsms: 202 "0: Accepted for
// delivery" or "3: Queued for later delivery" (or "Sent." with
// immediate-sendsms-reply) is a success; 403 "Authorization failed for
// sendsms" or "Not routable. Do not try again.", 400 for a bad request
// (with the lists' denial), 503 "Temporal failure, try again later." and
// 500 "Sending failed." are not.
func parseAnswer(status int, body []byte) *sender.Error {
	text := strings.TrimSpace(string(body))
	e := &sender.Error{Provider: Provider, Status: status}
	switch {
	case status == http.StatusAccepted || status == http.StatusOK:
		for _, ok := range []string{"0:", "3:", "Sent."} {
			if strings.HasPrefix(text, ok) {
				return nil
			}
		}
		e.Err = fmt.Errorf("answer %q", sender.Snippet(body))
		return e
	case status == http.StatusForbidden && strings.Contains(text, "Not routable"):
		e.Code = CodeNotRoutable
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		e.Code = CodeAuth
	case status == http.StatusBadRequest && strings.Contains(text, "denied by white- and/or black-lists"):
		e.Code, e.InvalidNumber = CodeDenied, true
	default:
		e.Retryable = sender.RetryableStatus(status)
	}
	e.Err = errors.New(sender.Snippet(body))
	return e
}
