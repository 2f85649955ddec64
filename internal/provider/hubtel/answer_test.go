package hubtel

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestAnswer(t *testing.T) {
	t.Parallel()
	in := msg.Inbound{Session: "s1"}
	long := strings.Repeat("é", 50)
	cases := []struct {
		label string
		r     msg.Reply
		want  string
	}{
		{"goes on", msg.Reply{Messages: []string{"Menu\n1. A & B"}},
			`{"SessionId":"s1","Type":"Response","Message":"Menu\n1. A & B","Label":"Menu","DataType":"input","FieldType":"text","ClientState":""}`},
		{"ends", msg.Reply{Messages: []string{"Merci"}, End: true},
			`{"SessionId":"s1","Type":"Release","Message":"Merci","Label":"Merci","DataType":"display","ClientState":""}`},
		{"long first line", msg.Reply{Messages: []string{long}},
			`"Label":"` + long[:80] + `"`},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			got := Answer(in, c.r)
			if got.ContentType != "application/json" || got.Status != 0 || !strings.Contains(got.Body, c.want) {
				t.Fatalf("Answer = %+v, want a body holding %s", got, c.want)
			}
		})
	}
}

func TestRefuse(t *testing.T) {
	t.Parallel()
	got := Refuse(413, "Message too long")
	want := `{"Type":"Release","Message":"Message too long","Label":"","DataType":"display","ClientState":""}`
	if got.Status != 413 || got.Body != want || got.ContentType != "application/json" {
		t.Fatalf("Refuse = %+v, want 413 %s", got, want)
	}
}
