package main

import (
	"strings"
	"testing"
)

func TestLoadConfigStaffTokens(t *testing.T) {
	t.Parallel()
	const tokA, tokB = "awa-token-0123456789ab", "john-token-0123456789ab"
	for _, c := range []struct {
		label, value, wantErr string
		want                  map[string]string
	}{
		{label: "none", value: ""},
		{label: "two", value: "awa=" + tokA + ", john=" + tokB, want: map[string]string{"awa": tokA, "john": tokB}},
		{label: "no name", value: tokA, wantErr: "PASSERELLE_STAFF_TOKENS"},
		{label: "admin", value: "admin=" + tokA, wantErr: "PASSERELLE_STAFF_TOKENS"},
		{label: "name twice", value: "awa=" + tokA + ",awa=" + tokB, wantErr: "PASSERELLE_STAFF_TOKENS"},
		{label: "token twice", value: "awa=" + tokA + ",john=" + tokA, wantErr: "PASSERELLE_STAFF_TOKENS"},
		{label: "short token", value: "awa=short", wantErr: "PASSERELLE_STAFF_TOKENS"},
		{label: "bad name", value: "a wa=" + tokA, wantErr: "PASSERELLE_STAFF_TOKENS"},
	} {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			cfg, _, err := loadConfig("serve", nil, envOf(map[string]string{"PASSERELLE_STAFF_TOKENS": c.value}))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr+":") {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				if strings.Contains(err.Error(), tokA) || strings.Contains(err.Error(), tokB) {
					t.Fatal("the error shows a token")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.StaffTokens) != len(c.want) {
				t.Fatalf("tokens %d, want %d", len(cfg.StaffTokens), len(c.want))
			}
			for k, v := range c.want {
				if cfg.StaffTokens[k] != v {
					t.Fatalf("token of %s", k)
				}
			}
		})
	}
}
