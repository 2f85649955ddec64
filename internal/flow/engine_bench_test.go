package flow

import (
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// BenchmarkEngineStep measures one menu answer: clone the state, save the
// value, follow a branch, enter the next node.
func BenchmarkEngineStep(b *testing.B) {
	s, err := Load(testFS())
	if err != nil {
		b.Fatal(err)
	}
	e := NewEngine(s)
	st := State{Node: "form:kind", Lang: msg.French, Answers: map[string]string{"name": "Awa Ba", "count": "12", "year": "1990"}, History: []string{"main:menu", "form:name", "form:count", "form:year"}}
	env := Env{Ref: func() string { return "REF123" }}
	b.ReportAllocs()
	for b.Loop() {
		next, _ := e.Step(st, "1", env)
		if next.Node != "form:done" {
			b.Fatal(next.Node)
		}
	}
}
