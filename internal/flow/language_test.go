package flow

import (
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/msg"
)

// langMain offers three languages, one of them ill-formed, and names one
// with the action's argument.
const langMain = `
spec: 1
flow: main
start: entry
nodes:
  entry:
    type: branch
    on: lang
    cases: {fr: menu, en: menu, pcm: menu}
    default: language
  language:
    type: menu
    say: m.lang
    save: lang
    options:
      - {value: fr, label: m.fr, go: set}
      - {value: pcm, label: m.pcm, go: set}
      - {value: PCM, label: m.bad, go: set}
  set:
    type: branch
    do: [set_language]
    go: menu
  force:
    type: branch
    do: ["set_language:ewo"]
    go: menu
  menu:
    type: menu
    say: m.menu
    options:
      - {label: m.lang, go: language}
`

// TestSetLanguageFromData: set_language takes French, English and any
// language the flows offer (the language menu's values, or its own
// argument) and refuses any other code, ill-formed or not offered, keeping
// the current language.
func TestSetLanguageFromData(t *testing.T) {
	t.Parallel()
	set, err := Load(fstest.MapFS{"main.yaml": {Data: []byte(langMain)}})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(set)
	cases := []struct {
		label string
		from  msg.Lang
		lang  string // the "lang" answer when the node is entered
		node  string
		want  msg.Lang
	}{
		{"offered", msg.French, "pcm", "main:set", "pcm"},
		{"offered reference language", "pcm", "fr", "main:set", msg.French},
		{"reference language, not offered", msg.French, "en", "main:set", msg.English},
		{"not offered", msg.French, "ff", "main:set", msg.French},
		{"unknown code", "pcm", "xx", "main:set", "pcm"},
		{"ill-formed though offered", msg.French, "PCM", "main:set", msg.French},
		{"empty", msg.English, "", "main:set", msg.English},
		{"the action's argument", msg.French, "pcm", "main:force", "ewo"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			st := State{Node: "main:menu", Lang: c.from, Answers: map[string]string{"lang": c.lang}}
			got, evs := e.Goto(st, c.node, Env{})
			if got.Lang != c.want || got.Node != "main:menu" {
				t.Fatalf("language %q at %s, want %q at main:menu", got.Lang, got.Node, c.want)
			}
			if len(evs) != 1 || evs[0].Action != ActSetLanguage || evs[0].Lang != c.want {
				t.Errorf("events %+v, want one set_language in %q", evs, c.want)
			}
		})
	}
	// Through the menu: choosing pcm sets it, and the entry remembers it.
	st, _ := e.Begin(State{}, Env{})
	st, _ = e.Step(st, "2", Env{})
	if st.Lang != "pcm" || st.Node != "main:menu" {
		t.Fatalf("after choosing pcm: %+v", st)
	}
	if st, _ = e.Begin(State{Lang: st.Lang}, Env{}); st.Node != "main:menu" {
		t.Errorf("a new conversation in pcm starts at %s, want main:menu", st.Node)
	}
}
