// Package contacts holds the contact points staff configure (hotline, IOM
// office, MINPMEESA focal point, UNHCR, business creation centre, the
// national emergency numbers), per region where they differ, and the
// features staff turn on after checking a page's facts. Flows show them
// through template data; nothing is invented: an empty entry reads "a staff
// member will call you back", and a text can say something else instead
// with {{if .contact_KIND_set}}…{{else}}…{{end}}.
package contacts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// Kinds of contact point, as used in texts: {{.contact_hotline}}, … Read
// only: their template names are made once, at start (kindKeys).
var Kinds = []string{"hotline", "iom", "minpmeesa", "unhcr", "cfce", "emergency"}

// kindKey is the template data names of a kind: contact_KIND and
// contact_KIND_set.
type kindKey struct{ kind, value, set string }

// kindKeys are the names of Kinds, made once rather than at every screen.
var kindKeys = keysOf(Kinds)

func keysOf(kinds []string) []kindKey {
	out := make([]kindKey, len(kinds))
	for i, k := range kinds {
		out[i] = kindKey{kind: k, value: "contact_" + k, set: "contact_" + k + "_set"}
	}
	return out
}

// Set is the value of contact_KIND_set in template data when the contact
// point is set; it is empty (false in a template) when it is not.
const Set = "yes"

// Directory is the loaded contacts file.
type Directory struct {
	Default  map[string]string            `yaml:"default"`
	Regions  map[string]map[string]string `yaml:"regions"`
	Features map[string]bool              `yaml:"features"`
}

// Load reads a contacts file. An empty path gives an empty directory (every
// contact point unknown, every feature off). It returns an error naming the
// file for unreadable YAML, unknown keys or an unknown contact kind.
func Load(path string) (*Directory, error) {
	if path == "" {
		return &Directory{}, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("error reading contacts %s: %w", path, err)
	}
	return Parse(b)
}

// Parse reads a contacts file's bytes; see Load.
func Parse(b []byte) (*Directory, error) {
	var d Directory
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil && !errors.Is(err, errEOF) {
		return nil, fmt.Errorf("error parsing contacts: %w", err)
	}
	known := map[string]bool{}
	for _, k := range Kinds {
		known[k] = true
	}
	check := func(where string, m map[string]string) error {
		for k := range m {
			if !known[k] {
				return fmt.Errorf("error parsing contacts: %s: unknown contact %q (want one of %v)", where, k, Kinds)
			}
		}
		return nil
	}
	if err := check("default", d.Default); err != nil {
		return nil, err
	}
	for _, r := range sortedKeys(d.Regions) {
		if err := check("regions."+r, d.Regions[r]); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// Get returns a contact point for a region: the region's entry when set,
// else the default; "" when neither is set.
func (d *Directory) Get(region, kind string) string {
	if v := d.Regions[region][kind]; v != "" {
		return v
	}
	return d.Default[kind]
}

// Feature tells whether staff turned a feature on.
func (d *Directory) Feature(name string) bool { return d.Features[name] }

// AddTo adds contact_<kind> for every kind to data, for a region; an
// unknown contact point gets missing (the "staff will call you back" text).
// It also adds contact_<kind>_set, Set when the contact point is set and
// empty when not, so that a text can read differently when it is empty:
// {{if .contact_hotline_set}}…{{else}}…{{end}}.
func (d *Directory) AddTo(data map[string]string, region, missing string) {
	for _, names := range kindKeys {
		v, set := d.Get(region, names.kind), Set
		if v == "" {
			v, set = missing, ""
		}
		data[names.value] = v
		data[names.set] = set
	}
}

// Empty returns where people get no contact point of a kind: "default" when
// the default entry is empty (people not registered, and those of every
// region without an entry of its own), then, sorted, each of regions whose
// people get none. It returns nil when everyone gets one.
func (d *Directory) Empty(kind string, regions []string) []string {
	var out []string
	if d.Get("", kind) == "" {
		out = append(out, "default")
	}
	rs := append([]string(nil), regions...)
	sort.Strings(rs)
	for i, r := range rs {
		if r != "" && (i == 0 || r != rs[i-1]) && d.Get(r, kind) == "" {
			out = append(out, r)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
