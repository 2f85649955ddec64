package main

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the quiet hours' zone on a system without tzdata

	"github.com/passerelle/passerelle/internal/broadcast"
)

// defaultRouteRate is a route's ceiling when PASSERELLE_ROUTE_RATE names
// others.
const defaultRouteRate = 20

// loadCampaigns reads the settings of outreach campaigns: quiet hours and
// their zone, the session guard, the route ceilings, the longest text and
// the price shown in previews.
func loadCampaigns(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	loc, err := time.LoadLocation(get("PASSERELLE_TIMEZONE"))
	if err != nil {
		bad("PASSERELLE_TIMEZONE", "want an IANA time zone such as Africa/Douala, got %q", get("PASSERELLE_TIMEZONE"))
		loc = time.UTC
	}
	q, err := broadcast.ParseQuiet(get("PASSERELLE_QUIET_HOURS"), loc)
	if err != nil {
		bad("PASSERELLE_QUIET_HOURS", "want HH:MM-HH:MM or none, got %q", get("PASSERELLE_QUIET_HOURS"))
	}
	c.Quiet = q
	g, err := time.ParseDuration(get("PASSERELLE_SESSION_GUARD"))
	if err != nil || g < 0 || g > time.Hour {
		bad("PASSERELLE_SESSION_GUARD", "want a duration from 0 to 1h, got %q", get("PASSERELLE_SESSION_GUARD"))
	}
	c.SessionGuard = g
	rates, ok := parseRouteRates(get("PASSERELLE_ROUTE_RATE"))
	if !ok {
		bad("PASSERELLE_ROUTE_RATE", "want messages a second (0.1 to 10000), alone or per provider as twilio=30,africastalking=20")
	}
	c.RouteRates = rates
	n, err := strconv.Atoi(get("PASSERELLE_CAMPAIGN_MAX_SEGMENTS"))
	if err != nil || n < 1 || n > 10 {
		bad("PASSERELLE_CAMPAIGN_MAX_SEGMENTS", "want a number from 1 to 10")
	}
	c.MaxSegments = n
	price, err := strconv.ParseFloat(get("PASSERELLE_SMS_PRICE"), 64)
	if err != nil || price < 0 {
		bad("PASSERELLE_SMS_PRICE", "want a price of zero or more, such as 25")
	}
	c.PricePerSegment = price
	c.Currency = strings.TrimSpace(get("PASSERELLE_SMS_CURRENCY"))
	if len(c.Currency) > 8 {
		bad("PASSERELLE_SMS_CURRENCY", "want a short currency code such as XAF")
	}
}

// parseRouteRates reads "30" (every route) or "twilio=30,africastalking=20"
// (others take defaultRouteRate); the route "" is the default.
func parseRouteRates(s string) (map[string]float64, bool) {
	out := map[string]float64{"": defaultRouteRate}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, has := strings.Cut(part, "=")
		if !has {
			name, val = "", part
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || r < 0.1 || r > 10000 {
			return nil, false
		}
		out[strings.TrimSpace(name)] = r
	}
	return out, true
}
