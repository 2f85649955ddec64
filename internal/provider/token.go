package provider

import (
	"crypto/sha256"
	"crypto/subtle"
	"regexp"

	"github.com/passerelle/passerelle/internal/channel"
)

// Refusals of requests that fail authentication.
var (
	// errBadToken refuses a request without the route's ?token=.
	errBadToken = &channel.Error{Status: 403, Reason: "bad token"}
	// ErrBadSignature refuses a request whose signature is missing or wrong.
	ErrBadSignature = &channel.Error{Status: 403, Reason: "bad signature"}
)

// QueryToken returns an Auth that lets through requests whose "token"
// query parameter is token, compared in constant time over SHA-256 digests
// (so that the length leaks nothing either), and refuses the others with
// errBadToken. token must not be empty.
func QueryToken(token string) func(Request) error {
	want := sha256.Sum256([]byte(token))
	return func(r Request) error {
		got := sha256.Sum256([]byte(r.Query.Get("token")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return errBadToken
		}
		return nil
	}
}

// urlSafe are the characters a token may have: it goes in a URL.
var urlSafe = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// LoadToken reads the route token setting env: empty (the route is off,
// or open where the provider allows it), or at least 16 URL-safe
// characters. The value is never quoted.
func LoadToken(e Env, env string) string {
	t := e.Get(env)
	if t != "" && (len(t) < 16 || !urlSafe.MatchString(t)) {
		e.Bad(env, "must be at least 16 characters among letters, digits and ._~- (it goes in a URL)")
	}
	return t
}
