package jasmin

import (
	"errors"
	"fmt"
	"strings"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/sender"
)

// Codes of the refusals a caller may act on (sender.Error.Code).
const (
	CodeThroughput  = "throughput"   // the user's http_throughput quota: retry later
	CodeNoConnector = "no-connector" // the route's SMPP links are all down: retry later
	CodeNoRoute     = "no-route"     // no MT route for this message: staff must add one
	CodeAuth        = "auth"         // bad username or password, or not authorised
	CodeCharging    = "charging"     // the user's balance is spent
	CodeBadTo       = "bad-to"       // Jasmin refuses the recipient's number
)

// parseAnswer reads Jasmin's answer to /send: `Success "<message id>"`
// (200), else `Error "<reason>"` with the HTTP status saying what kind of
// refusal it is (400 bad request, 403 authentication, authorisation,
// charging or throughput, 412 routing, 5xx Jasmin's own failures).
func parseAnswer(status int, body []byte) (string, *sender.Error) {
	text := strings.TrimSpace(string(body))
	e := &sender.Error{Provider: Provider, Status: status}
	if status == 200 {
		id, ok := quoted(text, "Success")
		if ok && channel.ValidID(id, MaxID) {
			return id, nil
		}
		e.Err = fmt.Errorf("answer %q", sender.Snippet(body))
		return "", e
	}
	reason, ok := quoted(text, "Error")
	if !ok {
		reason = text
	}
	reason = sender.Snippet([]byte(reason))
	low := strings.ToLower(reason)
	switch {
	case status == 403 && strings.Contains(low, "throughput"):
		e.Code, e.Retryable = CodeThroughput, true
	case status == 412 && strings.Contains(low, "no bound connector"):
		e.Code, e.Retryable = CodeNoConnector, true
	case status == 412:
		e.Code = CodeNoRoute
	case status == 403 && strings.Contains(low, "charge"):
		e.Code = CodeCharging
	case status == 403, status == 401:
		e.Code = CodeAuth
	case status == 400 && strings.Contains(low, "argument [to]"):
		e.Code, e.InvalidNumber = CodeBadTo, true
	default:
		e.Retryable = sender.RetryableStatus(status)
	}
	e.Err = errors.New(reason)
	return "", e
}

// quoted returns the text between the quotes of `word "text"`.
func quoted(s, word string) (string, bool) {
	rest, ok := strings.CutPrefix(s, word+" \"")
	if !ok || !strings.HasSuffix(rest, "\"") {
		return "", false
	}
	return strings.TrimSuffix(rest, "\""), true
}
