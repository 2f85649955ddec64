package chat_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// sms sends one SMS and returns the reply's text.
func sms(t *testing.T, h *apptest.App, from msg.Address, text string) msg.Reply {
	t.Helper()
	r, err := h.Phone(from).SMS(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSMSKeywords(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		label    string
		lang     string // "1" French, "2" English: the first answer
		messages []string
		want     string // in the last reply
		optedOut *bool
	}{
		{label: "STOP fr", lang: "1", messages: []string{"STOP"}, want: "ne recevrez plus", optedOut: ptr(true)},
		{label: "arrêt accented", lang: "1", messages: []string{"arrêt"}, want: "ne recevrez plus", optedOut: ptr(true)},
		{label: "ARRET first word", lang: "1", messages: []string{"Arret svp"}, want: "ne recevrez plus", optedOut: ptr(true)},
		{label: "DESABONNER", lang: "1", messages: []string{"désabonner"}, want: "ne recevrez plus", optedOut: ptr(true)},
		{label: "UNSUBSCRIBE en", lang: "2", messages: []string{"unsubscribe"}, want: "no longer receive", optedOut: ptr(true)},
		{label: "STOP then START", lang: "2", messages: []string{"stop", "START"}, want: "again", optedOut: ptr(false)},
		{label: "REPRENDRE", lang: "1", messages: []string{"STOP", "reprendre"}, want: "de nouveau", optedOut: ptr(false)},
		{label: "AIDE", lang: "1", messages: []string{"aide"}, want: "Mots-clés"},
		{label: "HELP", lang: "2", messages: []string{"Help!"}, want: "Keywords"},
		{label: "MENU", lang: "1", messages: []string{"1", "menu"}, want: "Passerelle MINPMEESA-OIM"},
		{label: "EN switches", lang: "1", messages: []string{"EN"}, want: "Language set: EN."},
		{label: "english switches", lang: "1", messages: []string{"English"}, want: "Language set: EN."},
		{label: "FRANCAIS switches", lang: "2", messages: []string{"FRANÇAIS"}, want: "Langue choisie: FR."},
		{label: "SUPPRIMER asks", lang: "1", messages: []string{"SUPPRIMER"}, want: "Répondez OUI"},
		{label: "DELETE asks", lang: "2", messages: []string{"delete"}, want: "Reply YES"},
		{label: "DELETE then no", lang: "2", messages: []string{"delete", "no"}, want: "Nothing was erased"},
		{label: "SUPPRIMER then OUI", lang: "1", messages: []string{"supprimer", "Oui"}, want: "ont été effacées"},
	}
	for i, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			from := msg.Address("+23767100" + pad(i))
			sms(t, h, from, "Bonjour")
			sms(t, h, from, c.lang)
			var r msg.Reply
			for _, m := range c.messages {
				r = sms(t, h, from, m)
			}
			if len(r.Messages) != 1 || !strings.Contains(r.Messages[0], c.want) {
				t.Fatalf("reply %q, want it to contain %q", r.Messages, c.want)
			}
			if c.optedOut != nil {
				got, err := h.Store.OptedOut(context.Background(), h.Hasher.Person(from))
				if err != nil || got != *c.optedOut {
					t.Fatalf("opted out = %v (%v), want %v", got, err, *c.optedOut)
				}
			}
		})
	}
}

// TestKeywordInsideFreeText: at a question taking free text, a message that
// only starts with a keyword is an answer.
func TestKeywordInsideFreeText(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	st := h.Phone("+237671999001")
	ctx := context.Background()
	for _, m := range []string{"Bonjour", "1", "1", "1"} {
		if _, err := st.SMS(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	r := sms(t, h, "+237671999001", "Aide Moussa")
	if !strings.Contains(r.Messages[0], "Votre age") {
		t.Fatalf("a name starting with a keyword was not taken: %q", r.Messages)
	}
}

func ptr[T any](v T) *T { return &v }

func pad(i int) string {
	s := "0000" + strconv.Itoa(i)
	return s[len(s)-4:]
}
