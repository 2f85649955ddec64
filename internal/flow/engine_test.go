package flow

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/msg"
)

// testFlows exercises every node type and action.
const testMain = `
spec: 1
flow: main
start: entry
nodes:
  entry:
    type: branch
    on: lang
    cases: {fr: menu, en: menu}
    default: language
  language:
    type: menu
    say: m.lang
    save: lang
    options:
      - {value: fr, label: m.fr, go: set}
      - {value: en, label: m.en, go: set}
  set:
    type: branch
    do: [set_language]
    go: menu
  menu:
    type: menu
    say: m.menu
    options:
      - {label: m.form, go: "@form"}
      - {label: m.info, go: page}
  page:
    type: info
    say: m.page
    go: menu
`

const testForm = `
spec: 1
flow: form
start: name
nodes:
  name:
    type: input
    say: f.name
    hint: f.name_hint
    check: {kind: text, min: 2, max: 10, chars: name}
    save: name
    go: count
  count:
    type: input
    say: f.count
    check: {kind: number, min: 1, max: 50}
    save: count
    go: year
  year:
    type: input
    say: f.year
    check: {kind: year, min: 1950, max: 2026}
    save: year
    go: kind
  kind:
    type: menu
    say: f.kind
    save: kind
    go: route
    options:
      - {value: a, label: f.a}
      - {value: b, label: f.b}
  route:
    type: branch
    on: kind
    cases: {a: done}
    default: other
  other:
    type: end
    do: [clear_answers]
    say: f.other
  done:
    type: end
    do: [save_registration]
    say: f.done
`

func testFS() fstest.MapFS {
	return fstest.MapFS{"main.yaml": {Data: []byte(testMain)}, "form.yaml": {Data: []byte(testForm)}}
}

func testSet(t *testing.T) *Set {
	t.Helper()
	s, err := Load(testFS())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEngineWalk(t *testing.T) {
	t.Parallel()
	e := NewEngine(testSet(t))
	env := Env{Ref: func() string { return "REF123" }}
	st, evs := e.Begin(State{}, env)
	if st.Node != "main:language" || len(evs) != 0 {
		t.Fatalf("begin: %+v %v", st, evs)
	}
	steps := []struct {
		in       string
		wantNode string
		wantHint string
		wantEv   []string
	}{
		{"3", "main:language", MsgInvalidChoice, nil},
		{"x", "main:language", MsgInvalidChoice, nil},
		{"2", "main:menu", "", []string{ActSetLanguage}},
		{"2", "main:page", "", nil},
		{"5", "main:page", MsgInvalidChoice, nil},
		{"1", "main:menu", "", nil},
		{"1", "form:name", "", nil},
		{"A", "form:name", "f.name_hint", nil},
		{"R2D2", "form:name", "f.name_hint", nil},
		{"  Awa   Ba ", "form:count", "", nil},
		{"0", "form:name", "", nil}, // back
		{"Awa Ba", "form:count", "", nil},
		{"51", "form:count", MsgInvalidInput, nil},
		{"12", "form:year", "", nil},
		{"99", "form:year", MsgInvalidInput, nil},
		{"2030", "form:year", MsgInvalidInput, nil},
		{"1990", "form:kind", "", nil},
		{"1", "form:done", "", []string{ActSaveRegistration}},
	}
	for i, s := range steps {
		st, evs = e.Step(st, s.in, env)
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Action)
		}
		if st.Node != s.wantNode || st.Hint != s.wantHint || !reflect.DeepEqual(got, s.wantEv) {
			t.Fatalf("step %d (%q): node %s hint %q events %v; want %s %q %v", i, s.in, st.Node, st.Hint, got, s.wantNode, s.wantHint, s.wantEv)
		}
	}
	if st.Lang != msg.English || !st.Done {
		t.Fatalf("lang %q done %v", st.Lang, st.Done)
	}
	want := map[string]string{"lang": "en", "name": "Awa Ba", "count": "12", "year": "1990", "kind": "a", "ref": "REF123"}
	if !reflect.DeepEqual(st.Answers, want) {
		t.Fatalf("answers %v, want %v", st.Answers, want)
	}
	if evs[0].Ref != "REF123" || evs[0].Answers["name"] != "Awa Ba" || evs[0].Lang != msg.English {
		t.Fatalf("event %+v", evs[0])
	}
	if sc := e.Screen(st); !sc.End || sc.Say != "f.done" {
		t.Fatalf("screen %+v", sc)
	}
	// After the end, the next input starts again at the entry, language kept.
	st, _ = e.Step(st, "hello", env)
	if st.Node != "main:menu" || st.Lang != msg.English || len(st.Answers) != 0 {
		t.Fatalf("after end: %+v", st)
	}
}

func TestEngineBranchDefaultAndClear(t *testing.T) {
	t.Parallel()
	e := NewEngine(testSet(t))
	st := State{Node: "form:kind", Lang: msg.French, Answers: map[string]string{"name": "Awa"}, History: []string{"form:year"}}
	st, evs := e.Step(st, "2", Env{})
	if st.Node != "form:other" || !st.Done || st.Answers != nil || len(evs) != 1 || evs[0].Action != ActClearAnswers {
		t.Fatalf("%+v %v", st, evs)
	}
}

func TestEngineHomeResumeRestart(t *testing.T) {
	t.Parallel()
	e := NewEngine(testSet(t))
	st := State{Node: "form:count", Lang: msg.French, Answers: map[string]string{"name": "Awa"}, History: []string{"main:menu", "form:name"}}
	home, _ := e.Step(st, "00", Env{})
	if home.Node != "main:menu" || home.Answers["name"] != "Awa" {
		t.Fatalf("home: %+v", home)
	}
	r := e.OfferResume(st)
	if sc := e.Screen(r); sc.Say != MsgResume || len(sc.Options) != 2 {
		t.Fatalf("resume screen %+v", sc)
	}
	if bad, _ := e.Step(r, "7", Env{}); !bad.Resuming || bad.Hint != MsgInvalidChoice {
		t.Fatalf("resume wrong answer: %+v", bad)
	}
	cont, _ := e.Step(r, "1", Env{})
	if cont.Resuming || cont.Node != "form:count" || cont.Answers["name"] != "Awa" {
		t.Fatalf("continue: %+v", cont)
	}
	again, _ := e.Step(r, "2", Env{})
	if again.Node != "form:name" || len(again.Answers) != 0 || again.Lang != msg.French {
		t.Fatalf("restart: %+v", again)
	}
	// The state given is never modified.
	if st.Answers["name"] != "Awa" || len(st.History) != 2 || st.Resuming {
		t.Fatalf("input state changed: %+v", st)
	}
}

func TestEngineDeterministic(t *testing.T) {
	t.Parallel()
	e := NewEngine(testSet(t))
	env := Env{Ref: func() string { return "R" }}
	st := State{Node: "form:kind", Lang: msg.French, Answers: map[string]string{"name": "Awa"}}
	a, ea := e.Step(st, "1", env)
	b, eb := e.Step(st, "1", env)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ea, eb) {
		t.Fatal("same input gave different outputs")
	}
}

func TestCheckApply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		check Check
		in    string
		want  string
		ok    bool
	}{
		{Check{Kind: CheckText, Min: 2, Max: 5}, "ab", "ab", true},
		{Check{Kind: CheckText, Min: 2, Max: 5}, "a", "a", false},
		{Check{Kind: CheckText, Min: 2, Max: 5}, "abcdef", "abcdef", false},
		{Check{Kind: CheckText, Min: 2, Max: 5}, "éèàù", "éèàù", true},
		{Check{Kind: CheckText, Min: 1}, "   ", "", false},
		{Check{Kind: CheckText, Chars: "name"}, "Jean*Paul", "Jean*Paul", true},
		{Check{Kind: CheckText, Chars: "name"}, "N'Diaye-Bâ", "N'Diaye-Bâ", true},
		{Check{Kind: CheckText, Chars: "name"}, "123", "123", false},
		{Check{Kind: CheckText, Chars: "name"}, "***", "***", false},
		// A town (any characters) made only of digits or navigation keys.
		{Check{Kind: CheckText, Min: 2, Max: 40}, "98", "98", false},
		{Check{Kind: CheckText, Min: 2, Max: 40}, "00", "00", false},
		{Check{Kind: CheckText, Min: 2, Max: 40}, "*#", "*#", false},
		{Check{Kind: CheckText, Min: 2, Max: 40}, "Garoua 2", "Garoua 2", true},
		{Check{Kind: CheckNumber, Min: 1, Max: 10}, " 07 ", "7", true},
		{Check{Kind: CheckNumber, Min: 1, Max: 10}, "11", "11", false},
		{Check{Kind: CheckNumber, Min: 1, Max: 10}, "1e3", "1e3", false},
		{Check{Kind: CheckYear, Min: 1900, Max: 2026}, "1985", "1985", true},
		{Check{Kind: CheckYear, Min: 1900, Max: 2026}, "85", "85", false},
		{Check{Kind: CheckYear, Min: 1900, Max: 2026}, "2027", "2027", false},
	}
	for _, c := range cases {
		t.Run(string(c.check.Kind)+"/"+c.in, func(t *testing.T) {
			got, ok := c.check.Apply(c.in)
			if got != c.want || ok != c.ok {
				t.Fatalf("Apply(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

// TestStepOwned: StepOwned gives what Step gives, on every kind of answer,
// without copying the state first; Step leaves its state as it was.
func TestStepOwned(t *testing.T) {
	e := NewEngine(testSet(t))
	start, _ := e.Begin(State{Lang: msg.French}, Env{})
	for _, input := range []string{"1", "2", "9", "0", "00", "x"} {
		t.Run(input, func(t *testing.T) {
			before := start.clone()
			want, wantEv := e.Step(before, input, Env{})
			if !reflect.DeepEqual(before, start) {
				t.Fatalf("Step changed its state: %+v, was %+v", before, start)
			}
			got, gotEv := e.StepOwned(start.clone(), input, Env{})
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotEv, wantEv) {
				t.Fatalf("StepOwned %+v %v, Step %+v %v", got, gotEv, want, wantEv)
			}
		})
	}
	st := start.clone()
	st.Answers = map[string]string{"a": "b"}
	allocs := func(step func(State, string, Env) (State, []Event)) float64 {
		return testing.AllocsPerRun(100, func() { step(st, "9", Env{}) })
	}
	if owned, copied := allocs(e.StepOwned), allocs(e.Step); owned >= copied {
		t.Fatalf("StepOwned %.0f allocations, Step %.0f: the copy is still made", owned, copied)
	}
}
