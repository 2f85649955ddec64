package provider

import (
	"errors"
	"net/url"
	"strings"
)

// PublicURL checks and normalises a public base URL: an absolute http or
// https URL with a host, no user info, query or fragment; trailing slashes
// are dropped. It returns an error saying what is wrong (without echoing
// the value).
func PublicURL(s string) (string, error) {
	if s == "" {
		return "", errors.New("error parsing public URL: it is required")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", errors.New("error parsing public URL: malformed")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Opaque != "":
		return "", errors.New("error parsing public URL: want an absolute http(s) URL such as https://gw.example.org")
	case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return "", errors.New("error parsing public URL: want scheme, host and an optional path only")
	}
	return strings.TrimRight(s, "/"), nil
}

// validAPIURL reports whether s is an absolute http(s) URL without query,
// fragment or user information: an API base a path can be appended to.
func validAPIURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == "" &&
		u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && !strings.Contains(s, "#")
}

// LoadAPIURL reads the API base URL setting env, or def when it is empty;
// a bad value is reported with example as the expected form.
func LoadAPIURL(e Env, env, def, example string) string {
	v := e.Get(env)
	if v == "" {
		return def
	}
	if !validAPIURL(v) {
		e.Bad(env, "want an absolute http(s) URL with an optional path and no query, fragment or credentials, such as %s", example)
	}
	return v
}

// ValidSendURL reports whether s is an absolute http(s) URL without
// fragment or user information (a query is allowed): an endpoint to send
// to, as SMPP gateways' HTTP APIs are.
func ValidSendURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == "" &&
		u.User == nil && u.Fragment == "" && !strings.Contains(s, "#")
}
