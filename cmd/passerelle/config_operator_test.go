package main

import "testing"

func TestLoadConfigOperators(t *testing.T) {
	t.Parallel()
	at := map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": testATKey}
	cases := []configCase{
		{label: "none: carrier data, one route, one budget", env: map[string]string{},
			check: func(c Config) bool {
				return c.Operators.Of("+237690000001") == "orange" && len(c.OperatorRoutes) == 0 && len(c.OperatorBudgets) == 0
			}},
		{label: "prefix table", env: map[string]string{"PASSERELLE_OPERATOR_PREFIXES": "blue=23769"},
			check: func(c Config) bool { return c.Operators.Of("+237690000001") == "blue" }},
		{label: "budgets", env: map[string]string{"PASSERELLE_OPERATOR_USSD_BUDGET": "Orange=160, nexttel=120"},
			check: func(c Config) bool { return c.OperatorBudgets["orange"] == 160 && c.OperatorBudgets["nexttel"] == 120 }},
		{label: "route to a provider that sends", env: with(at, "PASSERELLE_OPERATOR_ROUTES", "orange=africastalking"),
			check: func(c Config) bool { return c.OperatorRoutes["orange"] == "africastalking" }},

		{label: "bad prefix table", env: map[string]string{"PASSERELLE_OPERATOR_PREFIXES": "mtn=67x"}, wantErr: "PASSERELLE_OPERATOR_PREFIXES"},
		{label: "route to a provider not configured", env: map[string]string{"PASSERELLE_OPERATOR_ROUTES": "orange=kannel"}, wantErr: "PASSERELLE_OPERATOR_ROUTES"},
		{label: "route to nothing", env: map[string]string{"PASSERELLE_OPERATOR_ROUTES": "orange"}, wantErr: "PASSERELLE_OPERATOR_ROUTES"},
		{label: "budget too small", env: map[string]string{"PASSERELLE_OPERATOR_USSD_BUDGET": "orange=20"}, wantErr: "PASSERELLE_OPERATOR_USSD_BUDGET"},
		{label: "budget not a number", env: map[string]string{"PASSERELLE_OPERATOR_USSD_BUDGET": "orange=many"}, wantErr: "PASSERELLE_OPERATOR_USSD_BUDGET"},
		{label: "budget twice", env: map[string]string{"PASSERELLE_OPERATOR_USSD_BUDGET": "orange=100,orange=120"}, wantErr: "PASSERELLE_OPERATOR_USSD_BUDGET"},
	}
	runConfigCases(t, cases)
}
