package l10n

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/msg"
)

func testCatalog(t *testing.T, files fstest.MapFS) (*Catalog, *bytes.Buffer) {
	t.Helper()
	return testCatalogAt(t, files, slog.LevelInfo)
}

// testCatalogAt loads files, logging from level on into the buffer
// returned.
func testCatalogAt(t *testing.T, files fstest.MapFS, level slog.Level) (*Catalog, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	c, err := Load(files, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level})))
	if err != nil {
		t.Fatal(err)
	}
	return c, &logs
}

var files = fstest.MapFS{
	"a.fr.yaml": {Data: []byte(`
hello: "Bonjour {{.name}}"
plain: "Texte"
only.fr: "Seulement en français"
pages:
  one: "{{.Count}} page"
  other: "{{.Count}} pages"
`)},
	"a.en.yaml": {Data: []byte(`
hello: "Hello {{.name}}"
plain: "Text"
pages:
  one: "{{.Count}} page"
  other: "{{.Count}} pages"
`)},
}

func TestText(t *testing.T) {
	t.Parallel()
	c, logs := testCatalog(t, files)
	cases := []struct {
		lang msg.Lang
		id   string
		data map[string]string
		want string
	}{
		{msg.French, "hello", map[string]string{"name": "Awa"}, "Bonjour Awa"},
		{msg.English, "hello", map[string]string{"name": "Awa"}, "Hello Awa"},
		{msg.English, "plain", nil, "Text"},
		{msg.English, "only.fr", nil, "Seulement en français"}, // falls back, logged
		{msg.French, "nowhere", nil, "nowhere"},                // the ID itself, logged
	}
	for _, c2 := range cases {
		t.Run(string(c2.lang)+"/"+c2.id, func(t *testing.T) {
			if got := c.Text(c2.lang, c2.id, c2.data); got != c2.want {
				t.Fatalf("Text = %q, want %q", got, c2.want)
			}
		})
	}
	for _, want := range []string{"only.fr", "nowhere"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no log line about %q:\n%s", want, logs)
		}
	}
	if !c.Plain(msg.French, "plain") || c.Plain(msg.French, "hello") {
		t.Error("Plain")
	}
}

// TestPlural: in French 0 and 1 take the singular; in English only 1.
func TestPlural(t *testing.T) {
	t.Parallel()
	c, _ := testCatalog(t, files)
	cases := []struct {
		lang  msg.Lang
		count int
		want  string
	}{
		{msg.French, 0, "0 page"}, {msg.French, 1, "1 page"}, {msg.French, 2, "2 pages"},
		{msg.English, 0, "0 pages"}, {msg.English, 1, "1 page"}, {msg.English, 2, "2 pages"},
	}
	for _, c2 := range cases {
		if got := c.Plural(c2.lang, "pages", c2.count, nil); got != c2.want {
			t.Errorf("%s %d: %q, want %q", c2.lang, c2.count, got, c2.want)
		}
	}
}

func TestMissingAndLoadErrors(t *testing.T) {
	t.Parallel()
	c, _ := testCatalog(t, files)
	if m := c.Missing(); len(m[msg.English]) != 1 || m[msg.English][0] != "only.fr" || len(m[msg.French]) != 0 {
		t.Fatalf("Missing = %v", m)
	}
	bad := []struct {
		label string
		files fstest.MapFS
		want  string
	}{
		{"no file", fstest.MapFS{}, "no *.yaml file"},
		{"upper-case code", fstest.MapFS{"a.DE.yaml": {Data: []byte(`x: "y"`)}}, "a.DE.yaml"},
		{"region subtag", fstest.MapFS{"a.fr-CM.yaml": {Data: []byte(`x: "y"`)}}, "a.fr-CM.yaml"},
		{"no code", fstest.MapFS{"a.yaml": {Data: []byte(`x: "y"`)}}, "want NAME.<code>.yaml"},
		{"malformed YAML", fstest.MapFS{"a.fr.yaml": {Data: []byte(`x: [`)}}, "a.fr.yaml"},
		{"defined twice", fstest.MapFS{"a.fr.yaml": {Data: []byte(`x: "1"`)}, "b.fr.yaml": {Data: []byte(`x: "2"`)}}, "defined twice"},
	}
	for _, c := range bad {
		t.Run(c.label, func(t *testing.T) {
			_, err := Load(c.files, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Load = %v, want an error naming %q", err, c.want)
			}
		})
	}
}
