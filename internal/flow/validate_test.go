package flow

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/msg"
)

// fakeMessages knows every ID except those starting with "missing" and has
// no English for those starting with "fronly".
type fakeMessages struct{}

func (fakeMessages) Has(l msg.Lang, id string) bool {
	if strings.HasPrefix(id, "missing") {
		return false
	}
	return !(l == msg.English && strings.HasPrefix(id, "fronly"))
}

func TestValidateShippedShapeHasNoProblem(t *testing.T) {
	t.Parallel()
	if p := Validate(testSet(t), fakeMessages{}, []msg.Lang{msg.French, msg.English}); len(p) != 0 {
		t.Fatalf("problems: %v", p)
	}
}

func TestValidateFindsProblems(t *testing.T) {
	t.Parallel()
	head := "spec: 1\nflow: main\nstart: a\nnodes:\n"
	cases := []struct {
		label, nodes, want string
	}{
		{"dangling go", "  a: {type: info, say: x, go: nowhere}\n", `go "nowhere": no such node`},
		{"dangling option", "  a: {type: menu, say: x, options: [{label: y, go: b}]}\n", `option 1 go "b": no such node`},
		{"dangling flow", "  a: {type: info, say: x, go: \"@other\"}\n", `no such node`},
		{"unknown message", "  a: {type: end, say: missing.x}\n", `say "missing.x" has no text in fr, en`},
		{"untranslated", "  a: {type: end, say: fronly.x}\n", `say "fronly.x" has no text in en`},
		{"unreachable", "  a: {type: end, say: x}\n  b: {type: end, say: x}\n", `main:b: unreachable`},
		{"unknown type", "  a: {type: quiz, say: x}\n", `unknown node type "quiz"`},
		{"unknown action", "  a: {type: end, say: x, do: [explode]}\n", `unknown action "explode"`},
		{"menu without options", "  a: {type: menu, say: x}\n", `menu has no options`},
		{"option without value", "  a: {type: menu, say: x, save: k, options: [{label: y, go: a}]}\n", `option 1 has no value`},
		{"duplicate value", "  a: {type: menu, say: x, save: k, options: [{value: v, label: y, go: a}, {value: v, label: y, go: a}]}\n", `option value "v" used twice`},
		{"input without save", "  a: {type: input, say: x, go: a}\n", `input saves nothing`},
		{"bad check", "  a: {type: input, say: x, save: k, go: a, check: {kind: date}}\n", `unknown check kind "date"`},
		{"min above max", "  a: {type: input, say: x, save: k, go: a, check: {kind: number, min: 5, max: 1}}\n", `min 5 above max 1`},
		{"branch without default", "  a: {type: branch, on: k, cases: {x: b}}\n  b: {type: end, say: x}\n", `branch has no default`},
		{"missing start", "  b: {type: end, say: x}\n", `start node "a" does not exist`},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			s, err := Load(fstest.MapFS{"main.yaml": {Data: []byte(head + c.nodes)}})
			if err != nil {
				t.Fatal(err)
			}
			probs := Validate(s, fakeMessages{}, []msg.Lang{msg.French, msg.English})
			var all []string
			for _, p := range probs {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Fatalf("problems %q do not mention %q", all, c.want)
			}
		})
	}
}

func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label string
		files fstest.MapFS
		want  string
	}{
		{"no files", fstest.MapFS{}, "no *.yaml"},
		{"duplicate node id", fstest.MapFS{"a.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes:\n  a: {type: end, say: x}\n  a: {type: end, say: y}\n")}}, "already defined"},
		{"unknown field", fstest.MapFS{"a.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes:\n  a: {type: end, sayy: x}\n")}}, "sayy"},
		{"wrong spec", fstest.MapFS{"a.yaml": {Data: []byte("spec: 2\nflow: main\nstart: a\nnodes:\n  a: {type: end, say: x}\n")}}, "spec 2"},
		{"duplicate flow", fstest.MapFS{
			"a.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes:\n  a: {type: end, say: x}\n")},
			"b.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes:\n  a: {type: end, say: x}\n")}}, `flow "main" already defined`},
		{"no entry", fstest.MapFS{
			"a.yaml": {Data: []byte("spec: 1\nflow: one\nstart: a\nnodes:\n  a: {type: end, say: x}\n")},
			"b.yaml": {Data: []byte("spec: 1\nflow: two\nstart: a\nnodes:\n  a: {type: end, say: x}\n")}}, `none named "main"`},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			_, err := Load(c.files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestValidateBranchCycle(t *testing.T) {
	t.Parallel()
	src := "spec: 1\nflow: main\nstart: a\nnodes:\n" +
		"  a: {type: branch, on: k, cases: {x: b}, default: c}\n" +
		"  b: {type: branch, go: a}\n" +
		"  c: {type: end, say: x}\n"
	s, err := Load(fstest.MapFS{"main.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range Validate(s, fakeMessages{}, []msg.Lang{msg.French}) {
		all = append(all, p.String())
	}
	if !strings.Contains(strings.Join(all, "\n"), "loop back") {
		t.Fatalf("branch cycle not reported: %v", all)
	}
}

// TestLoadEmptyNode: a node key with nothing under it (YAML null) is refused
// by Load with the file and the node named, never a panic.
func TestLoadEmptyNode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, src string
		nodes      []string
	}{
		{"flow mapping", "spec: 1\nflow: main\nstart: a\nnodes: {a: }\n", []string{`"a"`}},
		{"block key", "spec: 1\nflow: main\nstart: b\nnodes:\n  a:\n  b: {type: end, say: x}\n", []string{`"a"`}},
		{"tilde and null", "spec: 1\nflow: main\nstart: c\nnodes:\n  a: ~\n  b: null\n  c: {type: end, say: x}\n", []string{`"a"`, `"b"`}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			_, err := Load(fstest.MapFS{"main.yaml": {Data: []byte(c.src)}})
			if err == nil {
				t.Fatal("Load accepted an empty node")
			}
			for _, want := range append([]string{"main.yaml", "empty"}, c.nodes...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %s", err, want)
				}
			}
		})
	}
}

// TestValidateNilNode: a set whose flow holds a nil node (built in code,
// not by Load) gives a problem naming the file and the node, never a panic.
func TestValidateNilNode(t *testing.T) {
	t.Parallel()
	s, err := Load(fstest.MapFS{"main.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes:\n  a: {type: info, say: x, go: b}\n  b: {type: end, say: x}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	s.Flows["main"].Nodes["b"] = nil
	var all []string
	for _, p := range Validate(s, fakeMessages{}, []msg.Lang{msg.French}) {
		all = append(all, p.String())
	}
	if !strings.Contains(strings.Join(all, "\n"), "main.yaml: main:b: node is empty") {
		t.Fatalf("problems %q do not name the empty node", all)
	}
}
