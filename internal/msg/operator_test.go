package msg

import "testing"

func TestOperators(t *testing.T) {
	t.Parallel()
	table, err := ParseOperators("mtn=23767|237650, orange = 23769|+237655, local=2376500")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label string
		ops   *Operators
		a     Address
		want  string
	}{
		{"carrier data: MTN", nil, "+237670000001", "mtn"},
		{"carrier data: MTN 65x", nil, "+237650000001", "mtn"},
		{"carrier data: Orange", nil, "+237690000001", "orange"},
		{"carrier data: Orange 655", nil, "+237655000001", "orange"},
		{"carrier data: Nexttel", nil, "+237660000001", "nexttel"},
		{"carrier data: Camtel", nil, "+237620000001", "camtel"},
		{"carrier data: fixed line", nil, "+237222000000", UnknownOperator},
		{"table", table, "+237670000001", "mtn"},
		{"table: longest prefix wins", table, "+237650012345", "local"},
		{"table: shorter prefix", table, "+237650112345", "mtn"},
		{"table with +", table, "+237655000001", "orange"},
		{"table falls back to the carrier data", table, "+237660000001", "nexttel"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if got := c.ops.Of(c.a); got != c.want {
				t.Fatalf("Of(%s) = %q, want %q", c.a, got, c.want)
			}
		})
	}
}

func TestParseOperatorsRefuses(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"mtn", "=2376", "MTN Cameroon=2376", "mtn=", "mtn=23a", "mtn=2376,orange=2376", "mtn=2376|"} {
		if _, err := ParseOperators(spec); err == nil {
			t.Errorf("ParseOperators(%q) accepted", spec)
		}
	}
	if o, err := ParseOperators(""); err != nil || o.Of("+237690000001") != "orange" {
		t.Errorf("empty table: %v", err)
	}
}
