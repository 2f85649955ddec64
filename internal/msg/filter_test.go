package msg

import "testing"

func TestFilterAuditText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f    Filter
		want string
	}{
		{Filter{Limit: 50}, "offset=0&limit=50"},
		{Filter{Region: "ouest", Lang: "fr", Offset: 50, Limit: 50}, "region=ouest&lang=fr&offset=50&limit=50"},
		{Filter{Situation: "returnee", Sector: "trade", Limit: 10}, "situation=returnee&sector=trade&offset=0&limit=10"},
	}
	for _, c := range cases {
		if got := c.f.AuditText(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}
