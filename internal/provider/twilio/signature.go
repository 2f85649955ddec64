package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/twilio/twilio-go/client"
)

// SignatureHeader carries Twilio's signature of a webhook request.
const SignatureHeader = "X-Twilio-Signature"

// Verifier checks the X-Twilio-Signature of webhook requests with the
// account's auth token, accepting exactly what twilio-go's RequestValidator
// accepts. The signed URL is built from the configured public URL and the
// request's path and raw query, never from request headers such as Host or
// X-Forwarded-Host, which a caller controls. It is safe for concurrent use.
//
// twilio-go's Validate parses the URL three times, formats every parameter
// and signs twice; Verify signs the URL as received first, then its other
// form (port added or removed as twilio-go does), with keys cut once, and
// hands any URL whose other form it cannot derive by hand to twilio-go.
type Verifier struct {
	v    client.RequestValidator
	base string
	// alt is base in twilio-go's other form (":443" or ":80" added, or the
	// port removed); "" when it could not be derived, and then every
	// request goes through twilio-go.
	alt  string
	macs sync.Pool // of *signer
}

// signer is a keyed HMAC-SHA1 and the buffer it signs.
type signer struct {
	h   hash.Hash
	buf []byte
	sum [sha1.Size]byte
	b64 [28]byte
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
	v := &Verifier{v: client.NewRequestValidator(authToken), base: base, alt: altBase(base)}
	key := []byte(authToken)
	v.macs.New = func() any { return &signer{h: hmac.New(sha1.New, key), buf: make([]byte, 0, 512)} }
	return v, nil
}

// altBase is base in the other form twilio-go checks, when a URL made of
// base and a plain path turns into that form by its base alone: base with
// plainProbe appended must read back as itself (url.Parse, then String)
// and its other form must end with the probe. Otherwise "".
func altBase(base string) string {
	const probe = "/probe"
	u := base + probe
	p, err := url.Parse(u)
	if err != nil || p.String() != u {
		return ""
	}
	alt := otherForm(u)
	if alt == u || !strings.HasSuffix(alt, probe) {
		return ""
	}
	return strings.TrimSuffix(alt, probe)
}

// otherForm is the URL twilio-go checks beside u itself (its addPort and
// removePort, of which one returns u unchanged): u with ":443" (https) or
// ":80" added to a host without a port, or the port removed from a host
// with one. A URL that does not parse is its own other form.
func otherForm(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	if p.Port() != "" {
		p.Host = strings.Split(p.Host, ":")[0]
		return p.String()
	}
	port := 80
	if p.Scheme == "https" {
		port = 443
	}
	p.Host = fmt.Sprintf("%s:%d", p.Host, port)
	return p.String()
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
	if v.alt == "" || !plainPath(path) || !plainQuery(rawQuery) {
		params, ok := Params(form)
		if !ok {
			return false
		}
		return v.v.Validate(v.URL(path, rawQuery), params, signature)
	}
	keys := make([]string, 0, 16)
	for k, vs := range form {
		if len(vs) != 1 {
			return false
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := v.macs.Get().(*signer)
	defer v.macs.Put(s)
	return s.matches(v.base, path, rawQuery, keys, form, signature) ||
		s.matches(v.alt, path, rawQuery, keys, form, signature)
}

// matches tells whether signature is the base64 HMAC of base, path, "?"
// and rawQuery when there is one, then each key and its value in order.
func (s *signer) matches(base, path, rawQuery string, keys []string, form url.Values, signature string) bool {
	b := append(append(s.buf[:0], base...), path...)
	if rawQuery != "" {
		b = append(append(b, '?'), rawQuery...)
	}
	for _, k := range keys {
		b = append(append(b, k...), form[k][0]...)
	}
	s.buf = b
	s.h.Reset()
	s.h.Write(b)
	base64.StdEncoding.Encode(s.b64[:], s.h.Sum(s.sum[:0]))
	return subtle.ConstantTimeCompare(s.b64[:], []byte(signature)) == 1
}

// plainPath tells whether a request path reads back as itself through
// url.Parse and String whatever base it follows: a leading slash, then
// letters, digits and "-._~/" only.
func plainPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}

// plainQuery tells whether a raw query reads back as itself: printable
// ASCII without spaces or '#' (url.Parse keeps a raw query verbatim).
func plainQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		if c := q[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return false
		}
	}
	return true
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
