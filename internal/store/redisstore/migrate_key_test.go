package redisstore

import "testing"

// TestNewKeyName: every kind of layout-1 key maps to its layout-2 name, and
// the keys that keep their name (a person's, staff's, layout 2's, another
// prefix's) map to nothing.
func TestNewKeyName(t *testing.T) {
	t.Parallel()
	const pid = "0a1b2c3d4e5f60718293a4b5"
	for _, c := range []struct {
		name, prefix, old, want string
	}{
		// Registrations.
		{"reg", "psl:", "psl:reg:{reg}:ABC", "psl:reg:{g}:ABC"},
		{"regp", "psl:", "psl:regp:{reg}", "psl:regp:{g}"},
		{"regs", "psl:", "psl:regs:{reg}", "psl:regs:{g}"},
		{"idx", "psl:", "psl:idx:{reg}:region:littoral", "psl:idx:{g}:region:littoral"},
		{"regstream", "psl:", "psl:regstream:{reg}", "psl:regstream:{g}"},
		{"tmp", "psl:", "psl:tmp:{reg}:filter", "psl:tmp:{g}:filter"},
		// Call-backs.
		{"cb", "psl:", "psl:cb:{cb}:CB1", "psl:cb:{g}:CB1"},
		{"cbopen", "psl:", "psl:cbopen:{cb}", "psl:cbopen:{g}"},
		{"cball", "psl:", "psl:cball:{cb}", "psl:cball:{g}"},
		{"cbp", "psl:", "psl:cbp:{cb}", "psl:cbp:{g}"},
		// Opt-outs, subscriptions, stats, audit.
		{"optout", "psl:", "psl:optout:{opt}", "psl:optout:{g}"},
		{"sub", "psl:", "psl:sub:{sub}", "psl:sub:{g}"},
		{"stats", "psl:", "psl:stats:{stats}", "psl:stats:{g}"},
		{"audit", "psl:", "psl:audit:{audit}", "psl:audit:{g}"},
		// Outbox.
		{"ob conv", "psl:", "psl:ob:{ob}:conv", "psl:ob:{g}:conv"},
		{"ob bulk", "psl:", "psl:ob:{ob}:bulk", "psl:ob:{g}:bulk"},
		{"obm", "psl:", "psl:obm:{ob}:m1", "psl:obm:{g}:m1"},
		{"obdelay", "psl:", "psl:obdelay:{ob}:conv", "psl:obdelay:{g}:conv"},
		{"obdead", "psl:", "psl:obdead:{ob}", "psl:obdead:{g}"},
		{"obpid", "psl:", "psl:obpid:{ob}:twilio:SM1", "psl:obpid:{g}:twilio:SM1"},
		{"obstats", "psl:", "psl:obstats:{ob}", "psl:obstats:{g}"},
		// Campaigns.
		{"camp", "psl:", "psl:camp:{camp}:c1", "psl:camp:{g}:c1"},
		{"camps", "psl:", "psl:camps:{camp}", "psl:camps:{g}"},
		{"campstat", "psl:", "psl:campstat:{camp}:c1", "psl:campstat:{g}:c1"},
		{"camprc", "psl:", "psl:camprc:{camp}:c1", "psl:camprc:{g}:c1"},
		{"camprsp", "psl:", "psl:camprsp:{camp}:c1", "psl:camprsp:{g}:c1"},
		{"camplock", "psl:", "psl:camplock:{camp}:c1", "psl:camplock:{g}:c1"},
		{"campactive", "psl:", "psl:campactive:{camp}", "psl:campactive:{g}"},
		// Per-person keys that moved to {g}.
		{"obp", "psl:", "psl:obp:{" + pid + "}", "psl:obp:{g}:" + pid},
		{"cr", "psl:", "psl:cr:{" + pid + "}", "psl:cr:{g}:" + pid},
		{"crp", "psl:", "psl:crp:{" + pid + "}", "psl:crp:{g}:" + pid},
		{"brief example", "psl:", "psl:obp:{abc}", "psl:obp:{g}:abc"},
		// Prefixes: none, and one with glob characters.
		{"no prefix", "", "regs:{reg}", "regs:{g}"},
		{"no prefix obp", "", "obp:{" + pid + "}", "obp:{g}:" + pid},
		{"glob prefix", "a*[b]:", "a*[b]:stats:{stats}", "a*[b]:stats:{g}"},

		// Keys that keep their name.
		{"conv", "psl:", "psl:conv:{" + pid + "}", ""},
		{"person", "psl:", "psl:person:{" + pid + "}", ""},
		{"dd", "psl:", "psl:dd:{" + pid + "}", ""},
		{"quota", "psl:", "psl:quota:{" + pid + "}", ""},
		{"floodnote", "psl:", "psl:floodnote:{" + pid + "}", ""},
		{"flood", "psl:", "rate:psl:flood:{" + pid + "}", ""},
		{"flood no prefix", "", "rate:flood:{" + pid + "}", ""},
		{"staff", "psl:", "psl:staff:{staff}:ada", ""},
		{"staffs", "psl:", "psl:staffs:{staff}", ""},
		{"staffsess", "psl:", "psl:staffsess:{staff}:s1", ""},
		{"stafffail", "psl:", "psl:stafffail:{staff}:ada", ""},
		{"marker", "psl:", "psl:layout:{g}", ""},
		{"new reg", "psl:", "psl:reg:{g}:ABC", ""},
		{"new regs", "psl:", "psl:regs:{g}", ""},
		{"new ob", "psl:", "psl:ob:{g}:conv", ""},
		{"new obp", "psl:", "psl:obp:{g}:" + pid, ""},
		{"new cr", "psl:", "psl:cr:{g}:" + pid, ""},
		{"new crp", "psl:", "psl:crp:{g}:" + pid, ""},
		{"other prefix", "psl:", "other:regs:{reg}", ""},
		{"prefix of prefix", "psl:a:", "psl:regs:{reg}", ""},
		{"longer prefix", "psl:", "psl:x:regs:{reg}", ""},
		{"wrong tag", "psl:", "psl:reg:{cb}:ABC", ""},
		{"tag glued to rest", "psl:", "psl:reg:{reg}ABC", ""},
		{"no tag", "psl:", "psl:regs", ""},
		{"unknown kind", "psl:", "psl:foo:{reg}", ""},
		{"obp empty person", "psl:", "psl:obp:{}", ""},
		{"obp rest after tag", "psl:", "psl:obp:{" + pid + "}:x", ""},
		{"obp no tag", "psl:", "psl:obp:" + pid, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok := newKeyName(c.prefix, c.old)
			if ok != (c.want != "") || got != c.want {
				t.Errorf("newKeyName(%q, %q) = %q, %v; want %q", c.prefix, c.old, got, ok, c.want)
			}
		})
	}
}

// TestEscapeGlob: the prefix matches itself only in SCAN MATCH.
func TestEscapeGlob(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"psl:", "psl:"},
		{"", ""},
		{`a*b?[c]\d:`, `a\*b\?\[c\]\\d:`},
	} {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			if got := escapeGlob(c.in); got != c.want {
				t.Errorf("escapeGlob(%q) = %q; want %q", c.in, got, c.want)
			}
		})
	}
}
