package channel

import (
	"errors"
	"net/url"
	"strings"
)

// fieldsMaxPairs bounds the bodies Fields reads itself; a longer one goes
// through url.ParseQuery, whose own limit on the number of pairs (GODEBUG
// urlmaxqueryparams, 10,000 by default) then decides.
const fieldsMaxPairs = 64

var errMalformedForm = errors.New("error reading form: malformed body")

// Fields reads a URL-encoded form body as url.ParseQuery, then Values.Get
// and Require, would, without building the whole form (a webhook's hot
// path wants five values of six): vals[i] gets the first value of keys[i]
// (unescaped), missing the keys absent from the body, in keys' order. It
// returns an error for any body url.ParseQuery refuses: a ';' in a pair, a
// malformed %-escape in any key or value. A value is copied only when it
// holds an escape; otherwise it is a substring of body.
func Fields(body string, keys []string, vals []string) (missing []string, err error) {
	if len(keys) > 64 || len(vals) < len(keys) || strings.Count(body, "&") >= fieldsMaxPairs {
		return fieldsParsed(body, keys, vals)
	}
	var seen uint64
	for rest := body; rest != ""; {
		key, v, empty, err := cutPair(&rest)
		if err != nil || !validEscapes(v) {
			return nil, errMalformedForm
		}
		if empty {
			continue
		}
		for i, want := range keys {
			if key != want || seen&(1<<i) != 0 {
				continue
			}
			seen |= 1 << i
			if vals[i], err = queryUnescape(v); err != nil {
				return nil, errMalformedForm
			}
		}
	}
	for i, k := range keys {
		if seen&(1<<i) == 0 {
			vals[i] = ""
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// fieldsParsed is Fields through url.ParseQuery.
func fieldsParsed(body string, keys []string, vals []string) (missing []string, err error) {
	form, err := url.ParseQuery(body)
	if err != nil {
		return nil, errMalformedForm
	}
	for i, k := range keys {
		if i < len(vals) {
			vals[i] = form.Get(k)
		}
		if len(form[k]) == 0 {
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// cutPair cuts the next pair off *rest as url.ParseQuery does: its key,
// unescaped, and its value, still escaped; empty for an empty pair, which
// ParseQuery skips; errMalformedForm for a pair it refuses for a ';' or
// its key's escapes.
func cutPair(rest *string) (key, value string, empty bool, err error) {
	var pair string
	pair, *rest, _ = strings.Cut(*rest, "&")
	if strings.IndexByte(pair, ';') >= 0 {
		return "", "", false, errMalformedForm
	}
	if pair == "" {
		return "", "", true, nil
	}
	k, v, _ := strings.Cut(pair, "=")
	if key, err = queryUnescape(k); err != nil {
		return "", "", false, errMalformedForm
	}
	return key, v, false, nil
}

// queryUnescape is url.QueryUnescape, which it calls only for a string
// holding an escape ('%' or '+').
func queryUnescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// validEscapes tells whether every '%' in s starts an escape that
// url.QueryUnescape accepts: two hexadecimal digits.
func validEscapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; i = strings.IndexByte(s, '%') {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		s = s[i+3:]
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
