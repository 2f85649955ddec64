package main

import (
	"strconv"
	"time"
)

// loadConsole reads the staff console's settings: whether it is served,
// whether its cookies may go over plain http, and how long a sign-in lasts.
func loadConsole(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	on, err := strconv.ParseBool(get("PASSERELLE_CONSOLE"))
	if err != nil {
		bad("PASSERELLE_CONSOLE", "want true or false")
	}
	c.Console = on
	insecure, err := strconv.ParseBool(get("PASSERELLE_CONSOLE_INSECURE_COOKIES"))
	if err != nil {
		bad("PASSERELLE_CONSOLE_INSECURE_COOKIES", "want true or false")
	}
	c.ConsoleInsecureCookies = insecure
	ttl, err := time.ParseDuration(get("PASSERELLE_CONSOLE_SESSION_TTL"))
	if err != nil || ttl < 5*time.Minute || ttl > 24*time.Hour {
		bad("PASSERELLE_CONSOLE_SESSION_TTL", "want a duration from 5m to 24h, got %q", get("PASSERELLE_CONSOLE_SESSION_TTL"))
	}
	c.ConsoleSessionTTL = ttl
}
