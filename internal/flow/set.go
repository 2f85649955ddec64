package flow

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EntryFlow is the flow a new conversation starts in when a set has several.
const EntryFlow = "main"

// Set is every flow of a deployment, loaded and linked.
type Set struct {
	// Flows by name.
	Flows map[string]*Flow
	// Entry is the full key ("flow:node") where a new conversation starts.
	Entry string
	nodes map[string]*Node
	// labels maps an answer key and a stored value to the option label that
	// stands for it, so summaries show labels in the person's language.
	labels map[string]map[string]string
	// optLabels holds each menu's option labels, built once.
	optLabels map[string][]string
	// files maps a flow name to the file it came from, for messages.
	files map[string]string
}

// Load reads every *.yaml file at the root of fsys as a flow and links them.
// It returns an error naming the file for unreadable or malformed YAML,
// unknown fields, a wrong spec version, an empty node (a key with nothing
// under it, named in the error) or a flow defined twice. Load does not
// check references: call Validate.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("error listing flows: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("error loading flows: no *.yaml file")
	}
	sort.Strings(names)
	s := &Set{Flows: map[string]*Flow{}, nodes: map[string]*Node{}, labels: map[string]map[string]string{}, optLabels: map[string][]string{}, files: map[string]string{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("error reading flow %s: %w", name, err)
		}
		f, err := parse(b)
		if err != nil {
			return nil, fmt.Errorf("error parsing flow %s: %w", name, err)
		}
		if prev, dup := s.files[f.Name]; dup {
			return nil, fmt.Errorf("error loading flow %s: flow %q already defined in %s", name, f.Name, prev)
		}
		s.files[f.Name] = path.Base(name)
		s.Flows[f.Name] = f
	}
	entry := EntryFlow
	if _, ok := s.Flows[entry]; !ok {
		if len(s.Flows) != 1 {
			return nil, fmt.Errorf("error loading flows: several flows and none named %q", EntryFlow)
		}
		for n := range s.Flows {
			entry = n
		}
	}
	s.Entry = entry + ":" + s.Flows[entry].Start
	for fname, f := range s.Flows {
		for id, n := range f.Nodes {
			n.ID = id
			s.nodes[fname+":"+id] = n
			if n.Type == Menu {
				l := make([]string, len(n.Options))
				for i, o := range n.Options {
					l[i] = o.Label
				}
				s.optLabels[fname+":"+id] = l
			}
			if n.Type == Menu && n.Save != "" {
				m := s.labels[n.Save]
				if m == nil {
					m = map[string]string{}
					s.labels[n.Save] = m
				}
				for _, o := range n.Options {
					m[o.Value] = o.Label
				}
			}
		}
	}
	return s, nil
}

func parse(b []byte) (*Flow, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f Flow
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Spec != SpecVersion {
		return nil, fmt.Errorf("spec %d not supported (want %d)", f.Spec, SpecVersion)
	}
	if f.Name == "" || strings.ContainsAny(f.Name, ":@ ") {
		return nil, fmt.Errorf("flow name %q: want a plain name", f.Name)
	}
	if len(f.Nodes) == 0 {
		return nil, errors.New("no nodes")
	}
	var empty []string
	for _, id := range sortedNodes(&f) {
		if f.Nodes[id] == nil {
			empty = append(empty, strconv.Quote(id))
		}
	}
	switch len(empty) {
	case 0:
		return &f, nil
	case 1:
		return nil, fmt.Errorf("node %s is empty: give it a type and what it shows", empty[0])
	}
	return nil, fmt.Errorf("nodes %s are empty: give each a type and what it shows", strings.Join(empty, ", "))
}

// Node returns the node with full key "flow:node".
func (s *Set) Node(key string) (*Node, bool) {
	n, ok := s.nodes[key]
	return n, ok
}

// Keys returns every node's full key, sorted.
func (s *Set) Keys() []string {
	keys := make([]string, 0, len(s.nodes))
	for k := range s.nodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Label returns the message ID of the option label that stands for value
// under answer key, if a menu saves that key.
func (s *Set) Label(key, value string) (string, bool) {
	id, ok := s.labels[key][value]
	return id, ok
}

// File returns the file a flow was loaded from.
func (s *Set) File(flow string) string { return s.files[flow] }

// Resolve turns a reference written in flow "from" into a full key. It
// returns "" for a malformed reference.
func Resolve(from, ref string) string {
	switch {
	case ref == "":
		return ""
	case strings.HasPrefix(ref, "@"):
		return ref[1:] + ":"
	case strings.Contains(ref, ":"):
		return ref
	}
	return from + ":" + ref
}

// resolve is Resolve plus the start node of "@flow" references.
func (s *Set) resolve(from, ref string) string {
	k := Resolve(from, ref)
	if strings.HasSuffix(k, ":") {
		if f, ok := s.Flows[k[:len(k)-1]]; ok {
			return k + f.Start
		}
	}
	return k
}

// split returns the flow and node of a full key.
func split(key string) (string, string) {
	i := strings.IndexByte(key, ':')
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}
