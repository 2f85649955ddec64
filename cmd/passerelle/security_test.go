package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// prodEnv is a production-like environment: a Redis URL with a password and
// the keyed-hash secret, plus kv.
func prodEnv(kv ...string) map[string]string {
	return with(map[string]string{"PASSERELLE_REDIS_URL": testRedisURL, "PASSERELLE_SECRET": "hash-secret-0123456789"}, kv...)
}

func TestLoadConfigUSSDAndRetention(t *testing.T) {
	t.Parallel()
	cases := []configCase{
		{label: "local: open, default retention", env: map[string]string{},
			check: func(c Config) bool {
				return atOf(c).USSDToken == "" && !atOf(c).USSDOpen && c.Retention == 17520*time.Hour
			}},
		{label: "production with a token", env: prodEnv("PASSERELLE_USSD_TOKEN", testUSSDToken),
			check: func(c Config) bool { return atOf(c).USSDToken == testUSSDToken && !atOf(c).USSDOpen }},
		{label: "production open on purpose", env: prodEnv("PASSERELLE_USSD_OPEN", "true"),
			check: func(c Config) bool { return atOf(c).USSDToken == "" && atOf(c).USSDOpen }},
		{label: "token from a flag", env: prodEnv(), args: []string{"-ussd-token", testUSSDToken},
			check: func(c Config) bool { return atOf(c).USSDToken == testUSSDToken }},
		{label: "token without redis", env: map[string]string{"PASSERELLE_USSD_TOKEN": testUSSDToken},
			check: func(c Config) bool { return atOf(c).USSDToken == testUSSDToken }},
		{label: "retention", env: map[string]string{"PASSERELLE_RETENTION": "24h"},
			check: func(c Config) bool { return c.Retention == 24*time.Hour }},

		{label: "production without a token", env: prodEnv(), wantErr: "PASSERELLE_USSD_TOKEN"},
		{label: "production, open=false", env: prodEnv("PASSERELLE_USSD_OPEN", "false"), wantErr: "PASSERELLE_USSD_TOKEN"},
		{label: "short token", env: map[string]string{"PASSERELLE_USSD_TOKEN": "short-secret"}, wantErr: "PASSERELLE_USSD_TOKEN"},
		{label: "token not URL-safe", env: map[string]string{"PASSERELLE_USSD_TOKEN": "secret&token=0123456789"}, wantErr: "PASSERELLE_USSD_TOKEN"},
		{label: "token and open", env: prodEnv("PASSERELLE_USSD_TOKEN", testUSSDToken, "PASSERELLE_USSD_OPEN", "true"), wantErr: "PASSERELLE_USSD_OPEN"},
		{label: "bad open", env: map[string]string{"PASSERELLE_USSD_OPEN": "maybe"}, wantErr: "PASSERELLE_USSD_OPEN"},
		{label: "retention too short", env: map[string]string{"PASSERELLE_RETENTION": "23h"}, wantErr: "PASSERELLE_RETENTION"},
		{label: "retention not a duration", env: map[string]string{"PASSERELLE_RETENTION": "2y"}, wantErr: "PASSERELLE_RETENTION"},
		{label: "retention negative", env: map[string]string{"PASSERELLE_RETENTION": "-17520h"}, wantErr: "PASSERELLE_RETENTION"},
	}
	runConfigCases(t, cases)
}

// TestRedisURLNeverShown: the Redis URL's password shows in no
// configuration error and no log line of a start-up that fails to connect.
func TestRedisURLNeverShown(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://default:" + testRedisPassword + "@redis.internal/0", "redis://default:" + testRedisPassword + "@[::1/0"} {
		_, _, err := loadConfig("serve", nil, envOf(prodEnv("PASSERELLE_REDIS_URL", u, "PASSERELLE_USSD_TOKEN", testUSSDToken)))
		if err == nil || !strings.Contains(err.Error(), "PASSERELLE_REDIS_URL:") || strings.Contains(err.Error(), testRedisPassword) {
			t.Fatalf("err = %v", err)
		}
	}
	// Nothing listens on port 1: serve stops at opening the store.
	env := prodEnv("PASSERELLE_REDIS_URL", "redis://default:"+testRedisPassword+"@127.0.0.1:1/0", "PASSERELLE_USSD_TOKEN", testUSSDToken,
		"PASSERELLE_ADDR", "127.0.0.1:0", "PASSERELLE_LOG_LEVEL", "debug")
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if code := run(ctx, nil, envOf(env), &out, &errb); code != 1 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	logs := out.String() + errb.String()
	if !strings.Contains(logs, "error opening the store") {
		t.Fatalf("logs: %s", logs)
	}
	for _, secret := range []string{testRedisPassword, testUSSDToken, "hash-secret-0123456789"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs carry a secret: %s", logs)
		}
	}
}

// TestUSSDRouteWarns: an open USSD route is said loudly at start-up; a
// token is never logged.
func TestUSSDRouteWarns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env      map[string]string
		wantWarn bool
	}{
		{map[string]string{}, true},
		{map[string]string{"PASSERELLE_USSD_OPEN": "true"}, true},
		{map[string]string{"PASSERELLE_USSD_TOKEN": testUSSDToken}, false},
	} {
		cfg, _, err := loadConfig("serve", nil, envOf(c.env))
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		cfg.Providers.LogNotices(newLogger(&logs, Config{LogFormat: "json"}))
		warned := strings.Contains(logs.String(), `"level":"WARN"`) && strings.Contains(logs.String(), "CHECKS NO TOKEN")
		if warned != c.wantWarn || strings.Contains(logs.String(), testUSSDToken) {
			t.Fatalf("%v: logs %s", c.env, logs.String())
		}
	}
}
