package flow

import (
	"fmt"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// Messages tells whether a message ID has a text in a language.
type Messages interface {
	Has(lang msg.Lang, id string) bool
}

// Problem is one thing wrong with a set of flows.
type Problem struct {
	File string // flow file
	Node string // full key, or "" for the whole flow
	Text string
}

func (p Problem) String() string {
	if p.Node == "" {
		return p.File + ": " + p.Text
	}
	return p.File + ": " + p.Node + ": " + p.Text
}

// Validate checks a set against its messages in every language and returns
// every problem found, sorted: unknown node references, unknown or
// untranslated message IDs, malformed nodes, unknown actions and nodes no
// conversation can reach. A set with no problems can be run safely.
func Validate(s *Set, m Messages, langs []msg.Lang) []Problem {
	v := &validator{s: s, m: m, langs: langs}
	for _, id := range BuiltinMessages {
		v.msg("", "", "built-in message", id)
	}
	for _, name := range sortedFlows(s) {
		f := s.Flows[name]
		if _, ok := f.Nodes[f.Start]; !ok {
			v.add(name, "", fmt.Sprintf("start node %q does not exist", f.Start))
		}
		for _, id := range sortedNodes(f) {
			v.node(name, name+":"+id, f.Nodes[id])
		}
	}
	v.reachable()
	v.branchCycles()
	sort.SliceStable(v.out, func(i, j int) bool {
		if v.out[i].File != v.out[j].File {
			return v.out[i].File < v.out[j].File
		}
		return v.out[i].Node < v.out[j].Node
	})
	return v.out
}

type validator struct {
	s     *Set
	m     Messages
	langs []msg.Lang
	out   []Problem
}

func (v *validator) add(flow, key, text string) {
	v.out = append(v.out, Problem{File: v.s.File(flow), Node: key, Text: text})
}

func (v *validator) msg(flow, key, what, id string) {
	if id == "" {
		v.add(flow, key, what+" has no message ID")
		return
	}
	var missing []string
	for _, l := range v.langs {
		if !v.m.Has(l, id) {
			missing = append(missing, string(l))
		}
	}
	if len(missing) > 0 {
		v.add(flow, key, fmt.Sprintf("%s %q has no text in %s", what, id, strings.Join(missing, ", ")))
	}
}

func (v *validator) ref(flow, key, what, ref string) {
	if ref == "" {
		v.add(flow, key, what+" is missing")
		return
	}
	if _, ok := v.s.Node(v.s.resolve(flow, ref)); !ok {
		v.add(flow, key, fmt.Sprintf("%s %q: no such node", what, ref))
	}
}

func (v *validator) node(flow, key string, n *Node) {
	if n == nil {
		// Load refuses these; a set built in code may still hold one.
		v.add(flow, key, "node is empty: give it a type and what it shows")
		return
	}
	if strings.ContainsAny(n.ID, ":@ ") {
		v.add(flow, key, "node id must not contain ':', '@' or spaces")
	}
	if n.Type != Branch {
		v.msg(flow, key, "say", n.Say)
	}
	if n.Hint != "" {
		v.msg(flow, key, "hint", n.Hint)
	}
	for _, a := range n.Do {
		name, _, _ := strings.Cut(a, ":")
		if !KnownActions[name] {
			v.add(flow, key, fmt.Sprintf("unknown action %q", name))
		}
	}
	switch n.Type {
	case Menu:
		if len(n.Options) == 0 {
			v.add(flow, key, "menu has no options")
		}
		seen := map[string]bool{}
		for i, o := range n.Options {
			v.msg(flow, key, fmt.Sprintf("option %d label", i+1), o.Label)
			if o.Go == "" && n.Go == "" {
				v.add(flow, key, fmt.Sprintf("option %d leads nowhere (no go)", i+1))
			} else if o.Go != "" {
				v.ref(flow, key, fmt.Sprintf("option %d go", i+1), o.Go)
			}
			if n.Save != "" {
				if o.Value == "" {
					v.add(flow, key, fmt.Sprintf("option %d has no value to save", i+1))
				} else if seen[o.Value] {
					v.add(flow, key, fmt.Sprintf("option value %q used twice", o.Value))
				}
				seen[o.Value] = true
			}
		}
		if n.Go != "" {
			v.ref(flow, key, "go", n.Go)
		}
	case Input:
		v.ref(flow, key, "go", n.Go)
		if n.Save == "" {
			v.add(flow, key, "input saves nothing (no save)")
		}
		v.check(flow, key, n.Check)
	case Info:
		v.ref(flow, key, "go", n.Go)
	case Branch:
		if n.On == "" {
			v.ref(flow, key, "go", n.Go)
		}
		for _, c := range sortedKeys(n.Cases) {
			v.ref(flow, key, fmt.Sprintf("case %q", c), n.Cases[c])
		}
		if n.On != "" {
			if n.Default == "" && n.Go == "" {
				v.add(flow, key, "branch has no default")
			}
			if n.Default != "" {
				v.ref(flow, key, "default", n.Default)
			}
		}
	case End:
	default:
		v.add(flow, key, fmt.Sprintf("unknown node type %q", n.Type))
	}
}

func (v *validator) check(flow, key string, c *Check) {
	if c == nil {
		return
	}
	switch c.Kind {
	case CheckText:
		if c.Chars != "" && c.Chars != "any" && c.Chars != "name" {
			v.add(flow, key, fmt.Sprintf("unknown chars %q", c.Chars))
		}
	case CheckNumber, CheckYear:
	default:
		v.add(flow, key, fmt.Sprintf("unknown check kind %q", c.Kind))
	}
	if c.Max != 0 && c.Min > c.Max {
		v.add(flow, key, fmt.Sprintf("check min %d above max %d", c.Min, c.Max))
	}
}

// reachable reports nodes no path from the entry leads to.
func (v *validator) reachable() {
	seen := map[string]bool{}
	stack := []string{v.s.Entry}
	for name, f := range v.s.Flows {
		for _, e := range f.Entries {
			if _, ok := f.Nodes[e]; !ok {
				v.add(name, name+":"+e, "entries: no such node")
				continue
			}
			stack = append(stack, name+":"+e)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[k] {
			continue
		}
		n, ok := v.s.Node(k)
		if !ok {
			continue
		}
		seen[k] = true
		flow, _ := split(k)
		for _, r := range Targets(n) {
			stack = append(stack, v.s.resolve(flow, r))
		}
	}
	for _, k := range v.s.Keys() {
		if !seen[k] {
			flow, _ := split(k)
			v.add(flow, k, "unreachable: no path from the entry leads here")
		}
	}
}

// branchCycles reports branches that can lead back to themselves through
// branches only: the engine would jump round without ever showing a screen.
func (v *validator) branchCycles() {
	const (
		unseen = iota
		open
		done
	)
	mark := map[string]int{}
	var visit func(key string) bool
	visit = func(key string) bool {
		n, ok := v.s.Node(key)
		if !ok || n.Type != Branch {
			return false
		}
		switch mark[key] {
		case open:
			return true
		case done:
			return false
		}
		mark[key] = open
		flow, _ := split(key)
		for _, r := range Targets(n) {
			if visit(v.s.resolve(flow, r)) {
				mark[key] = done
				return true
			}
		}
		mark[key] = done
		return false
	}
	for _, key := range v.s.Keys() {
		if mark[key] == unseen && visit(key) {
			flow, _ := split(key)
			v.add(flow, key, "branches loop back here without showing a screen")
		}
	}
}

// Targets returns every reference a node may lead to, as written.
func Targets(n *Node) []string {
	var out []string
	if n.Go != "" {
		out = append(out, n.Go)
	}
	for _, o := range n.Options {
		if o.Go != "" {
			out = append(out, o.Go)
		}
	}
	for _, c := range sortedKeys(n.Cases) {
		out = append(out, n.Cases[c])
	}
	if n.Default != "" {
		out = append(out, n.Default)
	}
	return out
}

func sortedFlows(s *Set) []string {
	out := make([]string, 0, len(s.Flows))
	for n := range s.Flows {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func sortedNodes(f *Flow) []string { return sortedKeys(f.Nodes) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
