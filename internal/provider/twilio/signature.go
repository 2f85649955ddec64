package twilio

import (
	"errors"
	"net/url"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/twilio/twilio-go/client"
)

// SignatureHeader carries Twilio's signature of a webhook request.
const SignatureHeader = "X-Twilio-Signature"

// Verifier checks the X-Twilio-Signature of webhook requests with the
// account's auth token (twilio-go's RequestValidator). The signed URL is
// built from the configured public URL and the request's path and raw
// query, never from request headers such as Host or X-Forwarded-Host, which
// a caller controls. It is safe for concurrent use.
type Verifier struct {
	v    client.RequestValidator
	base string
}

// NewVerifier returns a Verifier for authToken and publicURL, the scheme,
// host and optional path prefix under which Twilio reaches this gateway
// ("https://gw.example.org", no query; a trailing slash is dropped). It
// returns an error when either is empty or publicURL is not an absolute
// http(s) URL without query or fragment.
func NewVerifier(authToken, publicURL string) (*Verifier, error) {
	if authToken == "" {
		return nil, errors.New("error configuring twilio signature check: auth token is required")
	}
	base, err := provider.PublicURL(publicURL)
	if err != nil {
		return nil, err
	}
	return &Verifier{v: client.NewRequestValidator(authToken), base: base}, nil
}

// URL returns the URL Twilio signed for a request on path with rawQuery
// (as received, still escaped).
func (v *Verifier) URL(path, rawQuery string) string { return WebhookURL(v.base, path, rawQuery) }

// WebhookURL joins a public base URL, a request path and its raw query.
func WebhookURL(base, path, rawQuery string) string {
	if rawQuery == "" {
		return base + path
	}
	return base + path + "?" + rawQuery
}

// Verify reports whether signature is Twilio's signature of the request on
// path and rawQuery carrying form, over every form parameter received. A
// missing signature or a form that repeats a key (Twilio never does) is
// refused.
func (v *Verifier) Verify(path, rawQuery string, form url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	params, ok := Params(form)
	if !ok {
		return false
	}
	return v.v.Validate(v.URL(path, rawQuery), params, signature)
}

// Params flattens form into the map Twilio's signature covers. It reports
// false when a key appears more than once: the signature would then be
// ambiguous.
func Params(form url.Values) (map[string]string, bool) {
	params := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) != 1 {
			return nil, false
		}
		params[k] = vs[0]
	}
	return params, true
}
