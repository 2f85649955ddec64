package main

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/smstext"
)

// loadServices reads the settings of the conversation services: contact
// points, SMS shaping, the daily quota of pages by SMS, the flood limit and
// the retention of registrations and call-back requests.
func loadServices(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	c.ContactsFile = get("PASSERELLE_CONTACTS_FILE")
	if c.ContactsFile != "" {
		if st, err := os.Stat(c.ContactsFile); err != nil || st.IsDir() {
			bad("PASSERELLE_CONTACTS_FILE", "%q is not a readable file", c.ContactsFile)
		}
	}
	mode, err := smstext.ParseMode(get("PASSERELLE_SMS_SHAPING"))
	if err != nil {
		bad("PASSERELLE_SMS_SHAPING", "want none or gsm7")
	}
	c.SMSShaping = mode
	n, err := strconv.Atoi(get("PASSERELLE_SMS_PER_DAY"))
	if err != nil || n < 1 || n > 100 {
		bad("PASSERELLE_SMS_PER_DAY", "want a number from 1 to 100, got %q", get("PASSERELLE_SMS_PER_DAY"))
	}
	c.SMSPerDay = n
	count, period, ok := parseRate(get("PASSERELLE_SMS_FLOOD"))
	if !ok {
		bad("PASSERELLE_SMS_FLOOD", "want COUNT/PERIOD such as 20/10m (1 to 10000 per 1s to 24h), got %q", get("PASSERELLE_SMS_FLOOD"))
	}
	c.FloodLimit, c.FloodPeriod = count, period
	keep, err := time.ParseDuration(get("PASSERELLE_RETENTION"))
	if err != nil || keep < 24*time.Hour {
		bad("PASSERELLE_RETENTION", "want a duration of at least 24h, such as 17520h (2 years), got %q", get("PASSERELLE_RETENTION"))
	}
	c.Retention = keep
}

// loadOutbox reads the settings of the outbox: whether serve runs its
// workers, when a silent worker's message is taken over, how many sends a
// message gets, how many go at once and how long outcomes are kept.
func loadOutbox(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	inServe, err := strconv.ParseBool(get("PASSERELLE_OUTBOX_IN_SERVE"))
	if err != nil {
		bad("PASSERELLE_OUTBOX_IN_SERVE", "want true or false")
	}
	c.OutboxInServe = inServe
	c.OutboxClaimIdle = durationIn(get, bad, "PASSERELLE_OUTBOX_CLAIM_IDLE", 5*time.Second, time.Hour, "5s to 1h")
	c.OutboxMaxAttempts = intIn(get, bad, "PASSERELLE_OUTBOX_MAX_ATTEMPTS", 1, 100)
	c.OutboxConcurrency = intIn(get, bad, "PASSERELLE_OUTBOX_CONCURRENCY", 1, 256)
	c.OutboxRetention = durationIn(get, bad, "PASSERELLE_OUTBOX_RETENTION", time.Hour, 2160*time.Hour, "1h to 2160h")
}

// intIn reads the setting env as a whole number from lo to hi.
func intIn(get func(string) string, bad func(env, format string, a ...any), env string, lo, hi int) int {
	n, err := strconv.Atoi(get(env))
	if err != nil || n < lo || n > hi {
		bad(env, "want a number from %d to %d, got %q", lo, hi, get(env))
	}
	return n
}

// durationIn reads the setting env as a duration from lo to hi (said as
// span in the message).
func durationIn(get func(string) string, bad func(env, format string, a ...any), env string, lo, hi time.Duration, span string) time.Duration {
	d, err := time.ParseDuration(get(env))
	if err != nil || d < lo || d > hi {
		bad(env, "want a duration from %s, got %q", span, get(env))
	}
	return d
}

// parseRate reads "COUNT/PERIOD".
func parseRate(s string) (int, time.Duration, bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	n, err := strconv.Atoi(a)
	if err != nil || n < 1 || n > 10000 {
		return 0, 0, false
	}
	d, err := time.ParseDuration(b)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, 0, false
	}
	return n, d, true
}
