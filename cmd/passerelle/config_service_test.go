package main

import (
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/smstext"
)

func TestLoadConfigServices(t *testing.T) {
	t.Parallel()
	cases := []configCase{
		{label: "defaults", env: map[string]string{},
			check: func(c Config) bool {
				return c.SMSShaping == smstext.ModeNone && c.SMSPerDay == 5 && c.FloodLimit == 20 && c.FloodPeriod == 10*time.Minute && c.ContactsFile == ""
			}},
		{label: "shaping and limits", env: map[string]string{"PASSERELLE_SMS_SHAPING": "gsm7", "PASSERELLE_SMS_PER_DAY": "3", "PASSERELLE_SMS_FLOOD": "5/1m", "PASSERELLE_CONTACTS_FILE": "../../deploy/contacts.yaml"},
			check: func(c Config) bool {
				return c.SMSShaping == smstext.ModeGSM7 && c.SMSPerDay == 3 && c.FloodLimit == 5 && c.FloodPeriod == time.Minute
			}},
		{label: "bad shaping", env: map[string]string{"PASSERELLE_SMS_SHAPING": "ascii"}, wantErr: "PASSERELLE_SMS_SHAPING"},
		{label: "bad quota", env: map[string]string{"PASSERELLE_SMS_PER_DAY": "0"}, wantErr: "PASSERELLE_SMS_PER_DAY"},
		{label: "bad flood", env: map[string]string{"PASSERELLE_SMS_FLOOD": "20 per minute"}, wantErr: "PASSERELLE_SMS_FLOOD"},
		{label: "flood period too long", env: map[string]string{"PASSERELLE_SMS_FLOOD": "20/48h"}, wantErr: "PASSERELLE_SMS_FLOOD"},
		{label: "missing contacts file", env: map[string]string{"PASSERELLE_CONTACTS_FILE": "/nonexistent/contacts.yaml"}, wantErr: "PASSERELLE_CONTACTS_FILE"},
		{label: "budget too small", env: map[string]string{"PASSERELLE_USSD_BUDGET": "20"}, wantErr: "PASSERELLE_USSD_BUDGET"},
		{label: "phone region unknown", env: map[string]string{"PASSERELLE_PHONE_REGION": "XX"}, wantErr: "PASSERELLE_PHONE_REGION"},
		{label: "phone region a name", env: map[string]string{"PASSERELLE_PHONE_REGION": "cameroon"}, wantErr: "PASSERELLE_PHONE_REGION"},
		{label: "budget not a number", env: map[string]string{"PASSERELLE_USSD_BUDGET": "lots"}, wantErr: "PASSERELLE_USSD_BUDGET"},
		{label: "redis url scheme", env: map[string]string{"PASSERELLE_REDIS_URL": "http://127.0.0.1:6379", "PASSERELLE_SECRET": "0123456789abcdef0123"}, wantErr: "PASSERELLE_REDIS_URL"},
		{label: "secret required with redis", env: map[string]string{"PASSERELLE_REDIS_URL": "redis://127.0.0.1:6379/0"}, wantErr: "PASSERELLE_SECRET"},
		{label: "short admin token", env: map[string]string{"PASSERELLE_ADMIN_TOKEN": "short"}, wantErr: "PASSERELLE_ADMIN_TOKEN"},
		{label: "flows dir missing", env: map[string]string{"PASSERELLE_FLOWS_DIR": "/nonexistent/flows"}, wantErr: "PASSERELLE_FLOWS_DIR"},
		{label: "bad state ttl", env: map[string]string{"PASSERELLE_STATE_TTL": "forever"}, wantErr: "PASSERELLE_STATE_TTL"},
		{label: "bad log level", env: map[string]string{"PASSERELLE_LOG_LEVEL": "loud"}, wantErr: "PASSERELLE_LOG_LEVEL"},
		{label: "a flag overrides the environment", env: map[string]string{"PASSERELLE_USSD_BUDGET": "20"}, args: []string{"-ussd-budget", "160"},
			check: func(c Config) bool { return c.USSDBudget == 160 }},
	}
	runConfigCases(t, cases)
}
