package contacts

import (
	"strings"
	"testing"
)

func TestDirectory(t *testing.T) {
	t.Parallel()
	d, err := Parse([]byte(`
default: {hotline: "1500", iom: ""}
regions:
  est: {iom: "OIM Bertoua"}
features: {cfce_costs: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ region, kind, want string }{
		{"est", "iom", "OIM Bertoua"},
		{"est", "hotline", "1500"},
		{"centre", "iom", ""},
		{"", "hotline", "1500"},
		{"centre", "unhcr", ""},
	}
	for _, c := range cases {
		t.Run(c.region+"/"+c.kind, func(t *testing.T) {
			if got := d.Get(c.region, c.kind); got != c.want {
				t.Fatalf("Get = %q, want %q", got, c.want)
			}
		})
	}
	data := map[string]string{}
	d.AddTo(data, "centre", "un agent vous rappellera")
	if data["contact_iom"] != "un agent vous rappellera" || data["contact_hotline"] != "1500" || len(data) != len(Kinds) {
		t.Fatalf("data %v", data)
	}
	if !d.Feature("cfce_costs") || d.Feature("other") {
		t.Fatal("features")
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"default: {fax: x}", "regions: {est: {web: y}}", "contacts: {}", "default: [1, 2]"} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), "contacts") {
			t.Errorf("Parse(%q) err = %v", in, err)
		}
	}
	if d, err := Parse(nil); err != nil || d.Get("x", "iom") != "" {
		t.Fatalf("empty file: %v", err)
	}
	if d, err := Load(""); err != nil || d.Feature("x") {
		t.Fatalf("no file: %v", err)
	}
}
