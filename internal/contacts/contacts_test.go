package contacts

import (
	"maps"
	"slices"
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
	if data["contact_iom"] != "un agent vous rappellera" || data["contact_hotline"] != "1500" || len(data) != 2*len(Kinds) {
		t.Fatalf("data %v", data)
	}
	// contact_KIND_set tells a text whether the contact point is set.
	if data["contact_hotline_set"] != Set || data["contact_iom_set"] != "" || data["contact_emergency_set"] != "" {
		t.Fatalf("set flags %v", data)
	}
	d.AddTo(data, "est", "x")
	if data["contact_iom_set"] != Set || data["contact_iom"] != "OIM Bertoua" {
		t.Fatalf("est: %v", data)
	}
	if !d.Feature("cfce_costs") || d.Feature("other") {
		t.Fatal("features")
	}
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	regions := []string{"est", "centre", "nord", "abroad", "est"}
	cases := []struct {
		label, file, kind string
		want              []string
	}{
		{"no file", "", "hotline", []string{"default", "abroad", "centre", "est", "nord"}},
		{"default set", `default: {hotline: "1500"}`, "hotline", nil},
		{"default set, region empty", `{default: {hotline: "1500"}, regions: {est: {hotline: ""}}}`, "hotline", nil},
		{"regions only", `regions: {est: {emergency: "9999"}, centre: {emergency: "9999"}}`, "emergency", []string{"default", "abroad", "nord"}},
		{"other kind set", `default: {iom: "OIM"}`, "emergency", []string{"default", "abroad", "centre", "est", "nord"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			d, err := Parse([]byte(c.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Empty(c.kind, regions); !slices.Equal(got, c.want) {
				t.Errorf("Empty(%s) = %q, want %q", c.kind, got, c.want)
			}
		})
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

// referenceAddTo is AddTo as first written, naming the keys as it goes.
func referenceAddTo(d *Directory, data map[string]string, region, missing string) {
	for _, k := range Kinds {
		v, set := d.Get(region, k), Set
		if v == "" {
			v, set = missing, ""
		}
		data["contact_"+k] = v
		data["contact_"+k+"_set"] = set
	}
}

// TestAddToSameAsReference: the names made once give the same data, and
// AddTo allocates nothing into a map that has room.
func TestAddToSameAsReference(t *testing.T) {
	d, err := Parse([]byte(`
default: {hotline: "1500", iom: ""}
regions:
  est: {iom: "OIM Bertoua", unhcr: "HCR Bertoua"}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"", "est", "centre"} {
		t.Run("region "+region, func(t *testing.T) {
			got, want := map[string]string{"name": "Awa"}, map[string]string{"name": "Awa"}
			d.AddTo(got, region, "rappel")
			referenceAddTo(d, want, region, "rappel")
			if !maps.Equal(got, want) {
				t.Fatalf("AddTo gave %v, want %v", got, want)
			}
			data := make(map[string]string, 2*len(Kinds))
			if n := testing.AllocsPerRun(100, func() { d.AddTo(data, region, "rappel") }); n != 0 {
				t.Fatalf("%v allocations, want 0", n)
			}
		})
	}
}
