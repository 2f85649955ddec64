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
