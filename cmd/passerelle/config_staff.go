package main

import (
	"regexp"
	"strings"
)

// staffName is a staff token's name as the audit stream shows it.
var staffName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// loadStaff reads PASSERELLE_STAFF_TOKENS: name=token pairs, each token at
// least 16 characters, names unique and other than "admin" (the name of
// PASSERELLE_ADMIN_TOKEN), no token given twice.
func loadStaff(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	raw := strings.TrimSpace(get("PASSERELLE_STAFF_TOKENS"))
	if raw == "" {
		return
	}
	c.StaffTokens = map[string]string{}
	seen := map[string]bool{c.AdminToken: c.AdminToken != ""}
	for _, part := range strings.Split(raw, ",") {
		name, tok, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok || !staffName.MatchString(name):
			// The value holds secrets: say what is wrong, never echo it.
			bad("PASSERELLE_STAFF_TOKENS", "want name=token pairs separated by commas, names of letters, digits and ._-")
			return
		case name == "admin" || c.StaffTokens[name] != "":
			bad("PASSERELLE_STAFF_TOKENS", "the name %q is used twice (\"admin\" is PASSERELLE_ADMIN_TOKEN's)", name)
			return
		case len(tok) < 16 || strings.ContainsAny(tok, " \t\r\n"):
			bad("PASSERELLE_STAFF_TOKENS", "the token of %q must be at least 16 characters without spaces", name)
			return
		case seen[tok]:
			bad("PASSERELLE_STAFF_TOKENS", "the token of %q is given twice", name)
			return
		}
		seen[tok] = true
		c.StaffTokens[name] = tok
	}
}
