package main

import (
	"testing"
	"time"
)

func TestLoadConfigConsole(t *testing.T) {
	t.Parallel()
	runConfigCases(t, []configCase{
		{label: "defaults", check: func(c Config) bool {
			return c.Console && !c.ConsoleInsecureCookies && c.ConsoleSessionTTL == 8*time.Hour
		}},
		{label: "off, insecure, short", env: map[string]string{"PASSERELLE_CONSOLE": "false", "PASSERELLE_CONSOLE_INSECURE_COOKIES": "true",
			"PASSERELLE_CONSOLE_SESSION_TTL": "30m"}, check: func(c Config) bool {
			return !c.Console && c.ConsoleInsecureCookies && c.ConsoleSessionTTL == 30*time.Minute
		}},
		{label: "flags", args: []string{"-console-session-ttl", "2h"}, check: func(c Config) bool { return c.ConsoleSessionTTL == 2*time.Hour }},
		{label: "console not a bool", env: map[string]string{"PASSERELLE_CONSOLE": "maybe"}, wantErr: "PASSERELLE_CONSOLE", errSays: "true or false"},
		{label: "cookies not a bool", env: map[string]string{"PASSERELLE_CONSOLE_INSECURE_COOKIES": "yes please"}, wantErr: "PASSERELLE_CONSOLE_INSECURE_COOKIES"},
		{label: "session too long", env: map[string]string{"PASSERELLE_CONSOLE_SESSION_TTL": "72h"}, wantErr: "PASSERELLE_CONSOLE_SESSION_TTL", errSays: "5m to 24h"},
		{label: "session not a duration", env: map[string]string{"PASSERELLE_CONSOLE_SESSION_TTL": "8"}, wantErr: "PASSERELLE_CONSOLE_SESSION_TTL"},
	})
}
