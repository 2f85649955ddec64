package main

import (
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// loadOperators reads how numbers are told apart by mobile operator: the
// prefix table (else the carrier data), the outbound route per operator
// (each a provider configured to send) and the USSD budget per operator.
// It runs after loadProviders.
func loadOperators(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	ops, err := msg.ParseOperators(get("PASSERELLE_OPERATOR_PREFIXES"))
	if err != nil {
		bad("PASSERELLE_OPERATOR_PREFIXES", "want name=prefix|prefix,… with prefixes of the E.164 number's digits, such as mtn=23767|237650,orange=23769: %v", err)
		ops, _ = msg.ParseOperators("")
	}
	c.Operators = ops
	c.OperatorRoutes = map[string]string{}
	for op, route := range pairs(get("PASSERELLE_OPERATOR_ROUTES"), bad, "PASSERELLE_OPERATOR_ROUTES") {
		p, ok := c.Providers.Get(route)
		if !ok || p.Sender() == nil {
			bad("PASSERELLE_OPERATOR_ROUTES", "%s=%s: %s is not a provider configured to send", op, route, route)
			continue
		}
		c.OperatorRoutes[op] = route
	}
	c.OperatorBudgets = map[string]int{}
	for op, v := range pairs(get("PASSERELLE_OPERATOR_USSD_BUDGET"), bad, "PASSERELLE_OPERATOR_USSD_BUDGET") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 40 || n > 1000 {
			bad("PASSERELLE_OPERATOR_USSD_BUDGET", "%s=%s: want a number from 40 to 1000", op, v)
			continue
		}
		c.OperatorBudgets[op] = n
	}
}

// pairs reads "operator=value,operator=value" (operators in lower case).
func pairs(s string, bad func(env, format string, a ...any), env string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		if !ok || k == "" || v == "" {
			bad(env, "want operator=value,…, got %q", part)
			continue
		}
		if _, dup := out[k]; dup {
			bad(env, "%s given twice", k)
		}
		out[k] = v
	}
	return out
}
