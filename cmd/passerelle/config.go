package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// setting is one configuration value: an environment variable and the flag
// that mirrors it.
type setting struct {
	env, flag, def, usage string
	value             *string
}

// Config is the validated configuration.
type Config struct {
	Addr        string
	RedisURL    string
	RedisPrefix string
	Secret      string
	AdminToken  string
	FlowsDir    string
	LocalesDir  string
	USSDBudget  int
	StateTTL    time.Duration
	LogLevel    slog.Level
	LogFormat   string
}

// settings lists every setting, in the order of the README's table.
func settings() []*setting {
	return []*setting{
		{env: "PASSERELLE_ADDR", flag: "addr", def: ":8080", usage: "HTTP listen address"},
		{env: "PASSERELLE_REDIS_URL", flag: "redis-url", def: "", usage: "Redis URL (redis://host:port/db); empty starts the embedded in-memory server: nothing survives a restart"},
		{env: "PASSERELLE_REDIS_PREFIX", flag: "redis-prefix", def: "psl:", usage: "prefix of every Redis key"},
		{env: "PASSERELLE_SECRET", flag: "secret", def: "", usage: "key of the keyed hash naming people in keys and logs (at least 16 characters; required with a Redis URL)"},
		{env: "PASSERELLE_ADMIN_TOKEN", flag: "admin-token", def: "", usage: "bearer token of /admin (at least 16 characters); empty turns the admin routes off"},
		{env: "PASSERELLE_FLOWS_DIR", flag: "flows-dir", def: "", usage: "directory of flow files; empty uses the copies built into the binary"},
		{env: "PASSERELLE_LOCALES_DIR", flag: "locales-dir", def: "", usage: "directory of locale files; empty uses the copies built into the binary"},
		{env: "PASSERELLE_USSD_BUDGET", flag: "ussd-budget", def: "182", usage: "most characters on one USSD screen (40 to 1000)"},
		{env: "PASSERELLE_STATE_TTL", flag: "state-ttl", def: "24h", usage: "how long an unfinished conversation is kept and can be resumed"},
		{env: "PASSERELLE_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error"},
		{env: "PASSERELLE_LOG_FORMAT", flag: "log-format", def: "json", usage: "json or text"},
	}
}

// loadConfig reads the environment, then the flags given in args. It returns
// an error naming the setting for each bad value.
func loadConfig(name string, args []string, getenv func(string) string) (Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	all := settings()
	for _, s := range all {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		s.value = fs.String(s.flag, v, s.usage+" ($"+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, fs, err
	}
	get := func(env string) string {
		for _, s := range all {
			if s.env == env {
				return strings.TrimSpace(*s.value)
			}
		}
		return ""
	}
	c := Config{
		Addr: get("PASSERELLE_ADDR"), RedisURL: get("PASSERELLE_REDIS_URL"), RedisPrefix: get("PASSERELLE_REDIS_PREFIX"),
		Secret: get("PASSERELLE_SECRET"), AdminToken: get("PASSERELLE_ADMIN_TOKEN"),
		FlowsDir: get("PASSERELLE_FLOWS_DIR"), LocalesDir: get("PASSERELLE_LOCALES_DIR"), LogFormat: get("PASSERELLE_LOG_FORMAT"),
	}
	var errs []error
	bad := func(env, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{env}, a...)...))
	}
	if c.Addr == "" {
		bad("PASSERELLE_ADDR", "must not be empty")
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("PASSERELLE_REDIS_URL", "want redis://host:port/db or rediss://…")
		}
		if c.Secret == "" {
			bad("PASSERELLE_SECRET", "required when PASSERELLE_REDIS_URL is set (people's keys must survive restarts)")
		}
	}
	if c.Secret != "" && len(c.Secret) < 16 {
		bad("PASSERELLE_SECRET", "must be at least 16 characters")
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		bad("PASSERELLE_ADMIN_TOKEN", "must be at least 16 characters")
	}
	for _, d := range []struct{ env, dir string }{{"PASSERELLE_FLOWS_DIR", c.FlowsDir}, {"PASSERELLE_LOCALES_DIR", c.LocalesDir}} {
		if d.dir == "" {
			continue
		}
		if st, err := os.Stat(d.dir); err != nil || !st.IsDir() {
			bad(d.env, "%q is not a directory", d.dir)
		}
	}
	n, err := strconv.Atoi(get("PASSERELLE_USSD_BUDGET"))
	if err != nil || n < 40 || n > 1000 {
		bad("PASSERELLE_USSD_BUDGET", "want a number from 40 to 1000, got %q", get("PASSERELLE_USSD_BUDGET"))
	}
	c.USSDBudget = n
	ttl, err := time.ParseDuration(get("PASSERELLE_STATE_TTL"))
	if err != nil || ttl < time.Minute || ttl > 30*24*time.Hour {
		bad("PASSERELLE_STATE_TTL", "want a duration from 1m to 720h, got %q", get("PASSERELLE_STATE_TTL"))
	}
	c.StateTTL = ttl
	if err := c.LogLevel.UnmarshalText([]byte(get("PASSERELLE_LOG_LEVEL"))); err != nil {
		bad("PASSERELLE_LOG_LEVEL", "want debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("PASSERELLE_LOG_FORMAT", "want json or text")
	}
	return c, fs, errors.Join(errs...)
}
