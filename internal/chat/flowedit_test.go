package chat_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/locales"
)

// editedFlows returns the shipped flows with edit applied to a copy of them.
func editedFlows(t *testing.T, edit func(fstest.MapFS)) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(flows.FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(flows.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = &fstest.MapFile{Data: b}
	}
	edit(out)
	return out
}

// removeNode deletes one node from a flow file of fsys, as staff editing it
// would; references to it are left dangling (the service runs whatever it
// loaded).
func removeNode(t *testing.T, fsys fstest.MapFS, file, node string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(fsys[file].Data, &doc); err != nil {
		t.Fatal(err)
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "nodes" {
			continue
		}
		nodes := top.Content[i+1]
		for j := 0; j+1 < len(nodes.Content); j += 2 {
			if nodes.Content[j].Value == node {
				nodes.Content = append(nodes.Content[:j], nodes.Content[j+2:]...)
				b, err := yaml.Marshal(&doc)
				if err != nil {
					t.Fatal(err)
				}
				fsys[file] = &fstest.MapFile{Data: b}
				return
			}
		}
	}
	t.Fatalf("no node %q in %s", node, file)
}

// editedService returns a chat service over the same store, clock and
// hasher as h but running the given flows, as a gateway restarted on edited
// flows would.
func editedService(t *testing.T, h *apptest.App, f fs.FS, log *slog.Logger) *chat.Service {
	t.Helper()
	c, err := content.Load(f, locales.FS, apptest.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return chat.New(c.Engine, render.New(c.Catalog, c.Set, 182), h.Store, h.Hasher, log,
		chat.Config{Now: h.Clock.Now, Ref: func() string { return "T99999" }, People: h.Store, SMS: true})
}

// TestResumeOnRemovedNode: a person whose stored conversation stands on a
// node that a flow edit removed is taken to the start of that flow (or the
// main menu when the flow is gone) with a short notice in their language,
// never a blank END; the conversation then goes on normally.
func TestResumeOnRemovedNode(t *testing.T) {
	t.Parallel()
	noAge := func(t *testing.T) fs.FS {
		return editedFlows(t, func(m fstest.MapFS) { removeNode(t, m, "registration.yaml", "age") })
	}
	noHelp := func(t *testing.T) fs.FS {
		return editedFlows(t, func(m fstest.MapFS) { delete(m, "help.yaml") })
	}
	const (
		consentFR = "Inscription volontaire MINPMEESA-OIM"
		consentEN = "Voluntary MINPMEESA-IOM registration"
		menuFR    = "Passerelle MINPMEESA-OIM\n1. M'inscrire"
		nameFR    = "Votre nom complet:"
	)
	// toAgeUSSD leaves a person at the age question over USSD.
	toAgeUSSD := []string{"1", "1", "1", "Marie Ngo"}
	ctx := context.Background()
	cases := []struct {
		label string
		lang  msg.Lang
		flows func(*testing.T) fs.FS
		// before runs on the shipped flows; after on the edited ones and
		// returns the reply checked.
		before func(t *testing.T, h *apptest.App, from msg.Address)
		after  func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply
		want   string
		next   string // answer after the notice
		then   string // what that answer shows
	}{
		{
			label: "USSD next hop", lang: msg.French, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) { play(t, h, from, toAgeUSSD...) },
			after:  answer("3"),
			want:   consentFR, next: "1", then: nameFR,
		},
		{
			label: "USSD continue where you stopped", lang: msg.French, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) {
				play(t, h, from, toAgeUSSD...)
				h.Phone(from).Drop()
				if r, err := h.Phone(from).Dial(ctx); err != nil || !strings.Contains(r.Messages[0], "Reprendre") {
					t.Fatalf("no resume offer: %q, %v", r.Messages, err)
				}
			},
			after: answer("1"),
			want:  consentFR, next: "1", then: nameFR,
		},
		{
			label: "USSD new dial", lang: msg.French, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) {
				play(t, h, from, toAgeUSSD...)
				h.Phone(from).Drop()
			},
			after: func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply {
				r, err := h.Phone(from).Dial(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return r
			},
			want: consentFR, next: "1", then: nameFR,
		},
		{
			label: "USSD in English", lang: msg.English, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) {
				play(t, h, from, "2", "1", "1", "John Ayuk")
			},
			after: answer("3"),
			want:  consentEN, next: "1", then: "Your full name:",
		},
		{
			label: "USSD flow gone", lang: msg.French, flows: noHelp,
			before: func(t *testing.T, h *apptest.App, from msg.Address) { play(t, h, from, "1", "6", "1") },
			after:  answer("2"),
			want:   menuFR, next: "1", then: consentFR,
		},
		{
			label: "SMS next message", lang: msg.French, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) {
				for _, in := range []string{"bonjour", "1", "1", "1", "Marie Ngo"} {
					sms(t, h, from, in)
				}
			},
			after: func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply { return sms(t, h, from, "3") },
			want:  consentFR, next: "1", then: nameFR,
		},
		{
			label: "SMS help keyword", lang: msg.English, flows: noAge,
			before: func(t *testing.T, h *apptest.App, from msg.Address) {
				for _, in := range []string{"hello", "2", "1", "1", "John Ayuk"} {
					sms(t, h, from, in)
				}
			},
			after: func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply { return sms(t, h, from, "HELP") },
			want:  consentEN, next: "1", then: "Your full name:",
		},
	}
	for i, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			from := msg.Address(fmt.Sprintf("+2376750000%02d", i+1))
			c.before(t, h, from)
			ph := h.Phone(from)
			var logs bytes.Buffer
			ph.H = editedService(t, h, c.flows(t), slog.New(slog.NewTextHandler(&logs, nil)))
			r := c.after(t, h, from)
			notice := h.Content.Catalog.Text(c.lang, chat.MsgFlowChanged, nil)
			if notice == chat.MsgFlowChanged || notice == "" {
				t.Fatalf("no %s text for %s", c.lang, chat.MsgFlowChanged)
			}
			if r.End || len(r.Messages) != 1 || !strings.Contains(r.Messages[0], notice) || !strings.Contains(r.Messages[0], c.want) {
				t.Fatalf("reply %+v, want the notice %q and %q", r, notice, c.want)
			}
			var next msg.Reply
			var err error
			if strings.HasPrefix(c.label, "SMS") {
				next, err = ph.SMS(ctx, c.next)
			} else {
				if strings.Contains(r.Messages[0], "\n98. ") && !strings.Contains(r.Messages[0], "\n"+c.next+". ") {
					// The notice pages the screen: its options are on the
					// next page, and only an option shown is taken.
					if _, err := ph.Answer(ctx, "98"); err != nil {
						t.Fatal(err)
					}
				}
				next, err = ph.Answer(ctx, c.next)
			}
			if err != nil || len(next.Messages) != 1 || !strings.Contains(next.Messages[0], c.then) || strings.Contains(next.Messages[0], notice) {
				t.Fatalf("after the notice, %q gave %+v (%v), want %q", c.next, next, err, c.then)
			}
			l := logs.String()
			if strings.Count(l, "conversation moved") != 1 || !strings.Contains(l, "person="+string(h.Hasher.Person(from))) ||
				strings.Contains(l, strings.TrimPrefix(string(from), "+")) {
				t.Errorf("want one line logging the move under the person's keyed hash, never the number:\n%s", l)
			}
		})
	}
}

// answer returns a step answering input in the current USSD session.
func answer(input string) func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply {
	return func(t *testing.T, h *apptest.App, from msg.Address) msg.Reply {
		t.Helper()
		r, err := h.Phone(from).Answer(context.Background(), input)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}
