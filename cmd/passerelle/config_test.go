package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
)

// Secrets used by the tests: no error message or help text may quote them.
const (
	testTwilioToken = "7w1l10s3cr3770k3n0123456789abcde"
	testATKey       = "at-secret-api-key-0123456789"
	testATToken     = "at-secret-sms-token-0123456789"
	testSID         = "AC0123456789abcdef0123456789abcdef"
	testService     = "MG0123456789abcdef0123456789abcdef"
	testUSSDToken   = "ussd-secret-token-0123456789"
	// testRedisURL carries a password, as production URLs do.
	testRedisPassword = "redis-secret-password-0123"
	testRedisURL      = "redis://default:" + testRedisPassword + "@redis.internal:6379/0"
	// testURLPassword is a password wrongly put in an API URL.
	testURLPassword = "url-secret-password-0123"
)

// envOf returns a getenv over m.
func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// twilioEnv is a complete Twilio configuration.
func twilioEnv(kv ...string) map[string]string {
	m := map[string]string{
		"PASSERELLE_PUBLIC_URL":         "https://gw.example.org/",
		"PASSERELLE_TWILIO_ACCOUNT_SID": testSID,
		"PASSERELLE_TWILIO_AUTH_TOKEN":  testTwilioToken,
		"PASSERELLE_TWILIO_FROM":        "+15005550006",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestLoadConfigSMS(t *testing.T) {
	t.Parallel()
	cases := []configCase{
		{label: "nothing configured: log", env: map[string]string{},
			check: func(c Config) bool { return c.SMSProvider == "log" && !twilioOf(c).SkipSignature }},
		{label: "twilio", env: twilioEnv(),
			check: func(c Config) bool {
				return c.SMSProvider == "twilio" && c.PublicURL == "https://gw.example.org" && twilioOf(c).AuthToken == testTwilioToken
			}},
		{label: "twilio messaging service", env: twilioEnv("PASSERELLE_TWILIO_FROM", "", "PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", testService),
			check: func(c Config) bool {
				return c.SMSProvider == "twilio" && twilioOf(c).Send.MessagingServiceSID == testService
			}},
		{label: "africastalking", env: map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": testATKey, "PASSERELLE_AT_SMS_TOKEN": testATToken},
			check: func(c Config) bool { return c.SMSProvider == "africastalking" && atOf(c).SMSToken == testATToken }},
		{label: "webhooks only, sending logged", env: map[string]string{"PASSERELLE_TWILIO_AUTH_TOKEN": testTwilioToken, "PASSERELLE_PUBLIC_URL": "https://gw.example.org"},
			check: func(c Config) bool { return c.SMSProvider == "log" }},
		{label: "skip signature", env: map[string]string{"PASSERELLE_TWILIO_SKIP_SIGNATURE": "true"},
			check: func(c Config) bool { return twilioOf(c).SkipSignature }},
		{label: "secret from a flag", env: twilioEnv(), args: []string{"-twilio-auth-token", "flagtoken0123456789abcdef"},
			check: func(c Config) bool { return twilioOf(c).AuthToken == "flagtoken0123456789abcdef" }},

		{label: "bad public URL", env: twilioEnv("PASSERELLE_PUBLIC_URL", "gw.example.org"), wantErr: "PASSERELLE_PUBLIC_URL"},
		{label: "public URL with a query", env: twilioEnv("PASSERELLE_PUBLIC_URL", "https://gw.example.org/?a=1"), wantErr: "PASSERELLE_PUBLIC_URL"},
		{label: "auth token without public URL", env: map[string]string{"PASSERELLE_TWILIO_AUTH_TOKEN": testTwilioToken}, wantErr: "PASSERELLE_PUBLIC_URL"},
		{label: "auth token twilio-go would refuse", env: map[string]string{"PASSERELLE_TWILIO_AUTH_TOKEN": "abc-def-0123456789abcdef", "PASSERELLE_PUBLIC_URL": "https://gw.example.org"}, wantErr: "PASSERELLE_TWILIO_AUTH_TOKEN"},
		{label: "twilio without public URL", env: twilioEnv("PASSERELLE_PUBLIC_URL", ""), wantErr: "PASSERELLE_PUBLIC_URL"},
		{label: "short auth token", env: twilioEnv("PASSERELLE_TWILIO_AUTH_TOKEN", "short-secret"), wantErr: "PASSERELLE_TWILIO_AUTH_TOKEN"},
		{label: "twilio without auth token", env: twilioEnv("PASSERELLE_TWILIO_AUTH_TOKEN", ""), wantErr: "PASSERELLE_TWILIO_AUTH_TOKEN"},
		{label: "bad account SID", env: twilioEnv("PASSERELLE_TWILIO_ACCOUNT_SID", "XX123"), wantErr: "PASSERELLE_TWILIO_ACCOUNT_SID"},
		{label: "from with spaces is sent in E.164 form", env: twilioEnv("PASSERELLE_TWILIO_FROM", "+237 670 000 001"),
			check: func(c Config) bool { return twilioOf(c).Send.From == "+237670000001" }},
		{label: "AT sender with international prefix", env: map[string]string{"PASSERELLE_AT_SMS_FROM": "00237670000001"},
			check: func(c Config) bool { return atOf(c).Send.From == "+237670000001" }},
		{label: "AT short code kept", env: map[string]string{"PASSERELLE_AT_SMS_FROM": "8012"},
			check: func(c Config) bool { return atOf(c).Send.From == "8012" }},
		{label: "from not a possible number", env: twilioEnv("PASSERELLE_TWILIO_FROM", "+999 1"), wantErr: "PASSERELLE_TWILIO_FROM"},
		{label: "bad from", env: twilioEnv("PASSERELLE_TWILIO_FROM", "not a valid sender"), wantErr: "PASSERELLE_TWILIO_FROM"},
		{label: "from and service", env: twilioEnv("PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", testService), wantErr: "PASSERELLE_TWILIO_FROM"},
		{label: "neither from nor service", env: twilioEnv("PASSERELLE_TWILIO_FROM", ""), wantErr: "PASSERELLE_TWILIO_FROM"},
		{label: "bad service SID", env: twilioEnv("PASSERELLE_TWILIO_FROM", "", "PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", "MGxyz"), wantErr: "PASSERELLE_TWILIO_MESSAGING_SERVICE_SID"},
		{label: "bad skip", env: map[string]string{"PASSERELLE_TWILIO_SKIP_SIGNATURE": "maybe"}, wantErr: "PASSERELLE_TWILIO_SKIP_SIGNATURE"},
		{label: "unknown provider", env: map[string]string{"PASSERELLE_SMS_PROVIDER": "pigeon"}, wantErr: "PASSERELLE_SMS_PROVIDER"},
		{label: "two providers", env: twilioEnv("PASSERELLE_AT_USERNAME", "sandbox", "PASSERELLE_AT_API_KEY", testATKey), wantErr: "PASSERELLE_SMS_PROVIDER"},
		{label: "africastalking without key", env: map[string]string{"PASSERELLE_SMS_PROVIDER": "africastalking", "PASSERELLE_AT_USERNAME": "sandbox"}, wantErr: "PASSERELLE_AT_API_KEY"},
		{label: "africastalking without username", env: map[string]string{"PASSERELLE_SMS_PROVIDER": "africastalking", "PASSERELLE_AT_API_KEY": testATKey}, wantErr: "PASSERELLE_AT_USERNAME"},
		{label: "short API key", env: map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": "short-secret"}, wantErr: "PASSERELLE_AT_API_KEY"},
		{label: "short SMS token", env: map[string]string{"PASSERELLE_AT_SMS_TOKEN": "short-secret"}, wantErr: "PASSERELLE_AT_SMS_TOKEN"},
		{label: "SMS token not URL-safe", env: map[string]string{"PASSERELLE_AT_SMS_TOKEN": "secret&token=0123456789"}, wantErr: "PASSERELLE_AT_SMS_TOKEN"},
		{label: "bad AT sender", env: map[string]string{"PASSERELLE_AT_SMS_FROM": "far too long a sender"}, wantErr: "PASSERELLE_AT_SMS_FROM"},
		{label: "bad AT username", env: map[string]string{"PASSERELLE_AT_USERNAME": "two words"}, wantErr: "PASSERELLE_AT_USERNAME"},

		{label: "API URLs by default", env: twilioEnv(),
			check: func(c Config) bool {
				return twilioOf(c).Send.BaseURL == "" && atOf(c).Send.BaseURL == africastalking.Live
			}},
		{label: "AT sandbox API for the sandbox user", env: map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": testATKey},
			check: func(c Config) bool { return atOf(c).Send.BaseURL == africastalking.Sandbox }},
		{label: "AT live API for another user", env: map[string]string{"PASSERELLE_AT_USERNAME": "passerelle", "PASSERELLE_AT_API_KEY": testATKey},
			check: func(c Config) bool { return atOf(c).Send.BaseURL == africastalking.Live }},
		{label: "API URLs set", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "http://127.0.0.1:8089/twilio", "PASSERELLE_AT_API_URL", "http://127.0.0.1:8090/"),
			check: func(c Config) bool {
				return twilioOf(c).Send.BaseURL == "http://127.0.0.1:8089/twilio" && atOf(c).Send.BaseURL == "http://127.0.0.1:8090/"
			}},
		{label: "AT API URL wins over the sandbox", env: map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": testATKey, "PASSERELLE_AT_API_URL": "https://at.proxy.example.org/at"},
			check: func(c Config) bool { return atOf(c).Send.BaseURL == "https://at.proxy.example.org/at" }},
		{label: "API URLs from flags", env: twilioEnv(), args: []string{"-twilio-api-url", "http://127.0.0.1:1/", "-at-api-url", "http://127.0.0.1:2"},
			check: func(c Config) bool {
				return twilioOf(c).Send.BaseURL == "http://127.0.0.1:1/" && atOf(c).Send.BaseURL == "http://127.0.0.1:2"
			}},
		{label: "twilio API URL without scheme", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "api.twilio.com"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "twilio API URL not http", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "ftp://api.twilio.com"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "twilio API URL with a query", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "https://api.twilio.com/?edge=x"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "twilio API URL with a fragment", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "https://api.twilio.com/#top"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "twilio API URL with an empty fragment", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "https://api.twilio.com/#"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "twilio API URL with credentials", env: twilioEnv("PASSERELLE_TWILIO_API_URL", "https://AC1:"+testURLPassword+"@api.twilio.com"), wantErr: "PASSERELLE_TWILIO_API_URL"},
		{label: "AT API URL without host", env: map[string]string{"PASSERELLE_AT_API_URL": "https:///version1"}, wantErr: "PASSERELLE_AT_API_URL"},
		{label: "AT API URL opaque", env: map[string]string{"PASSERELLE_AT_API_URL": "mailto:sms@example.org"}, wantErr: "PASSERELLE_AT_API_URL"},
		{label: "AT API URL with a query", env: map[string]string{"PASSERELLE_AT_API_URL": "https://api.africastalking.com?x=1"}, wantErr: "PASSERELLE_AT_API_URL"},
		{label: "AT API URL relative", env: map[string]string{"PASSERELLE_AT_API_URL": "/version1"}, wantErr: "PASSERELLE_AT_API_URL"},
	}
	runConfigCases(t, cases)
}

// TestHelpHidesSecrets: -h lists every setting but never the secrets the
// environment holds.
func TestHelpHidesSecrets(t *testing.T) {
	t.Parallel()
	env := twilioEnv("PASSERELLE_SECRET", "hash-secret-0123456789", "PASSERELLE_ADMIN_TOKEN", "admin-secret-0123456789",
		"PASSERELLE_AT_API_KEY", testATKey, "PASSERELLE_AT_SMS_TOKEN", testATToken,
		"PASSERELLE_REDIS_URL", testRedisURL, "PASSERELLE_USSD_TOKEN", testUSSDToken)
	cfg, fs, err := loadConfig("serve", nil, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, name := range []string{"-twilio-auth-token", "-at-sms-token", "-public-url", "-sms-provider", "-redis-url", "-ussd-token", "-ussd-open", "-retention",
		"-twilio-api-url", "-at-api-url", "-outbox-in-serve", "-outbox-claim-idle", "-outbox-max-attempts", "-outbox-concurrency", "-outbox-retention"} {
		if !strings.Contains(help.String(), name) {
			t.Fatalf("help lacks %s", name)
		}
	}
	for _, secret := range []string{testTwilioToken, testATKey, testATToken, "hash-secret-0123456789", "admin-secret-0123456789",
		testRedisPassword, "redis.internal", testUSSDToken} {
		if strings.Contains(help.String(), secret) {
			t.Fatalf("help shows a secret:\n%s", help.String())
		}
	}
	// The secrets still apply.
	if cfg.Secret != "hash-secret-0123456789" || cfg.AdminToken != "admin-secret-0123456789" || atOf(cfg).SMSToken != testATToken ||
		cfg.RedisURL != testRedisURL || atOf(cfg).USSDToken != testUSSDToken {
		t.Fatalf("config %+v", cfg)
	}
}

// TestSkipSignatureWarns: turning the Twilio signature check off is said
// loudly at start-up.
func TestSkipSignatureWarns(t *testing.T) {
	t.Parallel()
	cfg, _, err := loadConfig("serve", nil, envOf(map[string]string{"PASSERELLE_TWILIO_SKIP_SIGNATURE": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg.Providers.LogNotices(newLogger(&logs, Config{LogFormat: "json"}))
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), "NOT CHECKED") {
		t.Fatalf("logs: %s", logs.String())
	}
}

// TestNewOutbox builds the configured sender without sending anything.
func TestNewOutbox(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := newLogger(&logs, Config{LogFormat: "json"})
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "*sender.Log"},
		{twilioEnv(), "*twilio.Sender"},
		{map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": testATKey}, "*africastalking.Sender"},
	} {
		cfg, _, err := loadConfig("serve", nil, envOf(c.env))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := cfg.Providers.Sender(log)
		var got string
		switch out.(type) {
		case *sender.Log:
			got = "*sender.Log"
		case *twilio.Sender:
			got = "*twilio.Sender"
		case *africastalking.Sender:
			got = "*africastalking.Sender"
		}
		if got != c.want {
			t.Fatalf("outbox %T, want %s", out, c.want)
		}
		cfg.Providers.LogNotices(log)
	}
	for _, secret := range []string{testTwilioToken, testATKey} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("logs carry a secret: %s", logs.String())
		}
	}
}
