package main

import (
	"testing"
	"time"
)

func TestLoadConfigOutbox(t *testing.T) {
	t.Parallel()
	cases := []configCase{
		{label: "defaults", env: map[string]string{},
			check: func(c Config) bool {
				return c.OutboxInServe && c.OutboxClaimIdle == time.Minute && c.OutboxMaxAttempts == 8 &&
					c.OutboxConcurrency == 8 && c.OutboxRetention == 168*time.Hour
			}},
		{label: "lowest values", env: map[string]string{
			"PASSERELLE_OUTBOX_IN_SERVE": "false", "PASSERELLE_OUTBOX_CLAIM_IDLE": "5s", "PASSERELLE_OUTBOX_MAX_ATTEMPTS": "1",
			"PASSERELLE_OUTBOX_CONCURRENCY": "1", "PASSERELLE_OUTBOX_RETENTION": "1h"},
			check: func(c Config) bool {
				return !c.OutboxInServe && c.OutboxClaimIdle == 5*time.Second && c.OutboxMaxAttempts == 1 &&
					c.OutboxConcurrency == 1 && c.OutboxRetention == time.Hour
			}},
		{label: "highest values", env: map[string]string{
			"PASSERELLE_OUTBOX_CLAIM_IDLE": "1h", "PASSERELLE_OUTBOX_MAX_ATTEMPTS": "100",
			"PASSERELLE_OUTBOX_CONCURRENCY": "256", "PASSERELLE_OUTBOX_RETENTION": "2160h"},
			check: func(c Config) bool {
				return c.OutboxClaimIdle == time.Hour && c.OutboxMaxAttempts == 100 &&
					c.OutboxConcurrency == 256 && c.OutboxRetention == 2160*time.Hour
			}},
		{label: "flags override the environment", env: map[string]string{"PASSERELLE_OUTBOX_CONCURRENCY": "0", "PASSERELLE_OUTBOX_IN_SERVE": "true"},
			args: []string{"-outbox-concurrency", "16", "-outbox-in-serve=false", "-outbox-claim-idle", "2m", "-outbox-max-attempts", "3", "-outbox-retention", "720h"},
			check: func(c Config) bool {
				return c.OutboxConcurrency == 16 && !c.OutboxInServe && c.OutboxClaimIdle == 2*time.Minute &&
					c.OutboxMaxAttempts == 3 && c.OutboxRetention == 720*time.Hour
			}},

		{label: "in serve not a bool", env: map[string]string{"PASSERELLE_OUTBOX_IN_SERVE": "yes"}, wantErr: "PASSERELLE_OUTBOX_IN_SERVE"},
		{label: "claim idle too short", env: map[string]string{"PASSERELLE_OUTBOX_CLAIM_IDLE": "4s"}, wantErr: "PASSERELLE_OUTBOX_CLAIM_IDLE"},
		{label: "claim idle too long", env: map[string]string{"PASSERELLE_OUTBOX_CLAIM_IDLE": "61m"}, wantErr: "PASSERELLE_OUTBOX_CLAIM_IDLE"},
		{label: "claim idle without unit", env: map[string]string{"PASSERELLE_OUTBOX_CLAIM_IDLE": "60"}, wantErr: "PASSERELLE_OUTBOX_CLAIM_IDLE"},
		{label: "no attempts", env: map[string]string{"PASSERELLE_OUTBOX_MAX_ATTEMPTS": "0"}, wantErr: "PASSERELLE_OUTBOX_MAX_ATTEMPTS"},
		{label: "too many attempts", env: map[string]string{"PASSERELLE_OUTBOX_MAX_ATTEMPTS": "101"}, wantErr: "PASSERELLE_OUTBOX_MAX_ATTEMPTS"},
		{label: "attempts not a number", env: map[string]string{"PASSERELLE_OUTBOX_MAX_ATTEMPTS": "eight"}, wantErr: "PASSERELLE_OUTBOX_MAX_ATTEMPTS"},
		{label: "no concurrency", env: map[string]string{"PASSERELLE_OUTBOX_CONCURRENCY": "0"}, wantErr: "PASSERELLE_OUTBOX_CONCURRENCY"},
		{label: "too much concurrency", env: map[string]string{"PASSERELLE_OUTBOX_CONCURRENCY": "257"}, wantErr: "PASSERELLE_OUTBOX_CONCURRENCY"},
		{label: "negative concurrency", env: map[string]string{"PASSERELLE_OUTBOX_CONCURRENCY": "-8"}, wantErr: "PASSERELLE_OUTBOX_CONCURRENCY"},
		{label: "retention too short", env: map[string]string{"PASSERELLE_OUTBOX_RETENTION": "59m"}, wantErr: "PASSERELLE_OUTBOX_RETENTION"},
		{label: "retention too long", env: map[string]string{"PASSERELLE_OUTBOX_RETENTION": "2161h"}, wantErr: "PASSERELLE_OUTBOX_RETENTION"},
		{label: "retention in days", env: map[string]string{"PASSERELLE_OUTBOX_RETENTION": "7d"}, wantErr: "PASSERELLE_OUTBOX_RETENTION"},
		{label: "a bad flag value", args: []string{"-outbox-max-attempts", "1000"}, wantErr: "PASSERELLE_OUTBOX_MAX_ATTEMPTS"},
	}
	runConfigCases(t, cases)
}
