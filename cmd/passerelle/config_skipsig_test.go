package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestLoadConfigSkipSignatureNeedsTestSystem: turning the Twilio signature
// check off beside a real Redis (production data) is a configuration error
// unless PASSERELLE_TEST_SYSTEM=true says the gateway is a test system, as
// PASSERELLE_USSD_OPEN does for the open USSD route.
func TestLoadConfigSkipSignatureNeedsTestSystem(t *testing.T) {
	t.Parallel()
	// prod is a production-like environment that is otherwise valid.
	prod := func(kv ...string) map[string]string {
		return prodEnv(append([]string{"PASSERELLE_USSD_TOKEN", testUSSDToken}, kv...)...)
	}
	const howTo = "PASSERELLE_TEST_SYSTEM=true"
	cases := []configCase{
		{label: "production, signatures checked", env: prod(),
			check: func(c Config) bool { return !twilioOf(c).SkipSignature && !c.TestSystem }},
		{label: "embedded store, skip", env: map[string]string{"PASSERELLE_TWILIO_SKIP_SIGNATURE": "true"},
			check: func(c Config) bool { return twilioOf(c).SkipSignature && !c.TestSystem }},
		{label: "redis, skip on a test system", env: prod("PASSERELLE_TWILIO_SKIP_SIGNATURE", "true", "PASSERELLE_TEST_SYSTEM", "true"),
			check: func(c Config) bool { return twilioOf(c).SkipSignature && c.TestSystem }},
		{label: "redis, skip on a test system by flags", env: prod(), args: []string{"-twilio-skip-signature=true", "-test-system=true"},
			check: func(c Config) bool { return twilioOf(c).SkipSignature && c.TestSystem }},
		{label: "test system without skip", env: prod("PASSERELLE_TEST_SYSTEM", "true"),
			check: func(c Config) bool { return !twilioOf(c).SkipSignature && c.TestSystem }},
		{label: "redis, skip false", env: prod("PASSERELLE_TWILIO_SKIP_SIGNATURE", "false"),
			check: func(c Config) bool { return !twilioOf(c).SkipSignature }},

		{label: "redis, skip", env: prod("PASSERELLE_TWILIO_SKIP_SIGNATURE", "true"), wantErr: "PASSERELLE_TWILIO_SKIP_SIGNATURE", errSays: howTo},
		{label: "redis, skip, test system false", env: prod("PASSERELLE_TWILIO_SKIP_SIGNATURE", "true", "PASSERELLE_TEST_SYSTEM", "false"),
			wantErr: "PASSERELLE_TWILIO_SKIP_SIGNATURE", errSays: howTo},
		{label: "redis, skip by flag", env: prod(), args: []string{"-twilio-skip-signature=true"}, wantErr: "PASSERELLE_TWILIO_SKIP_SIGNATURE", errSays: howTo},
		{label: "redis, skip with a Twilio token", env: prod("PASSERELLE_TWILIO_AUTH_TOKEN", testTwilioToken,
			"PASSERELLE_PUBLIC_URL", "https://gw.example.org", "PASSERELLE_TWILIO_SKIP_SIGNATURE", "true"),
			wantErr: "PASSERELLE_TWILIO_SKIP_SIGNATURE", errSays: howTo},
		{label: "bad test system", env: map[string]string{"PASSERELLE_TEST_SYSTEM": "maybe"}, wantErr: "PASSERELLE_TEST_SYSTEM"},
	}
	runConfigCases(t, cases)
}

// TestHelpListsTestSystem: -h documents the new setting.
func TestHelpListsTestSystem(t *testing.T) {
	t.Parallel()
	_, fs, err := loadConfig("serve", nil, envOf(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	if !strings.Contains(help.String(), "-test-system") || !strings.Contains(help.String(), "PASSERELLE_TEST_SYSTEM") {
		t.Fatalf("help lacks -test-system:\n%s", help.String())
	}
}
