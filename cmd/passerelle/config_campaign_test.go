package main

import (
	"testing"
	"time"
)

func TestLoadConfigCampaigns(t *testing.T) {
	t.Parallel()
	cases := []configCase{
		{label: "defaults", env: map[string]string{},
			check: func(c Config) bool {
				return c.Quiet.String() == "20:00-08:00" && c.Quiet.Loc.String() == "Africa/Douala" && c.SessionGuard == 5*time.Minute &&
					c.RouteRate("twilio") == 20 && c.MaxSegments == 3 && c.PricePerSegment == 0 && c.Currency == "XAF"
			}},
		{label: "per route", env: map[string]string{"PASSERELLE_ROUTE_RATE": "twilio=30, africastalking=12.5", "PASSERELLE_QUIET_HOURS": "none",
			"PASSERELLE_SESSION_GUARD": "0", "PASSERELLE_SMS_PRICE": "25.5", "PASSERELLE_TIMEZONE": "UTC"},
			check: func(c Config) bool {
				return c.RouteRate("twilio") == 30 && c.RouteRate("africastalking") == 12.5 && c.RouteRate("log") == 20 &&
					c.Quiet.String() == "none" && c.SessionGuard == 0 && c.PricePerSegment == 25.5
			}},
		{label: "one rate for every route", env: map[string]string{"PASSERELLE_ROUTE_RATE": "100"},
			check: func(c Config) bool { return c.RouteRate("twilio") == 100 && c.RouteRate("log") == 100 }},
		{label: "bad zone", env: map[string]string{"PASSERELLE_TIMEZONE": "Mars/Olympus"}, wantErr: "PASSERELLE_TIMEZONE"},
		{label: "bad quiet hours", env: map[string]string{"PASSERELLE_QUIET_HOURS": "20h-8h"}, wantErr: "PASSERELLE_QUIET_HOURS"},
		{label: "guard too long", env: map[string]string{"PASSERELLE_SESSION_GUARD": "2h"}, wantErr: "PASSERELLE_SESSION_GUARD"},
		{label: "rate zero", env: map[string]string{"PASSERELLE_ROUTE_RATE": "0"}, wantErr: "PASSERELLE_ROUTE_RATE"},
		{label: "rate malformed", env: map[string]string{"PASSERELLE_ROUTE_RATE": "twilio:30"}, wantErr: "PASSERELLE_ROUTE_RATE"},
		{label: "segments zero", env: map[string]string{"PASSERELLE_CAMPAIGN_MAX_SEGMENTS": "0"}, wantErr: "PASSERELLE_CAMPAIGN_MAX_SEGMENTS"},
		{label: "segments too many", env: map[string]string{"PASSERELLE_CAMPAIGN_MAX_SEGMENTS": "11"}, wantErr: "PASSERELLE_CAMPAIGN_MAX_SEGMENTS"},
		{label: "negative price", env: map[string]string{"PASSERELLE_SMS_PRICE": "-1"}, wantErr: "PASSERELLE_SMS_PRICE"},
		{label: "long currency", env: map[string]string{"PASSERELLE_SMS_CURRENCY": "FRANCS-CFA-BEAC"}, wantErr: "PASSERELLE_SMS_CURRENCY"},
	}
	runConfigCases(t, cases)
}
