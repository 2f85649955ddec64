package smppgw

import (
	"fmt"
	"net/url"
	"regexp"
)

// MessageIDParam is the query parameter of a delivery-report URL that
// carries our message id (msg.Outbound.ID).
const MessageIDParam = "mid"

// urlSafe are the message ids that go in a delivery-report URL as they are:
// an SMPP gateway substitutes its own %-codes in that URL, so nothing in it
// may be percent-encoded.
var urlSafe = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

// Callback builds the delivery-report URL of each message: the route's
// public URL with its token, and our message id.
type Callback struct {
	base *url.URL
}

// NewCallback returns the Callback of the route path under publicURL (a
// checked PASSERELLE_PUBLIC_URL) guarded by token. It returns an error when
// publicURL cannot be parsed.
func NewCallback(publicURL, path, token string) (Callback, error) {
	u, err := url.Parse(publicURL + path)
	if err != nil {
		return Callback{}, fmt.Errorf("error parsing delivery-report URL: %w", err)
	}
	u.RawQuery = url.Values{"token": {token}}.Encode()
	return Callback{base: u}, nil
}

// For returns the delivery-report URL of message id, with extra (a raw
// query such as "type=%d", kept as written for the gateway to fill in)
// appended. It returns false when c is the zero Callback or id cannot go in
// a URL as it is.
func (c Callback) For(id, extra string) (string, bool) {
	if c.base == nil || !urlSafe.MatchString(id) {
		return "", false
	}
	u := *c.base
	u.RawQuery += "&" + MessageIDParam + "=" + id
	if extra != "" {
		u.RawQuery += "&" + extra
	}
	return u.String(), true
}

// ValidMessageID reports whether a delivery report's message id is one
// For could have written.
func ValidMessageID(id string) bool { return urlSafe.MatchString(id) }
