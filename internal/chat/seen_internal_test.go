package chat

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/locales"
)

// TestOptionsAcceptedOnlyWhereShown walks every page of every menu of the
// shipped flows, in both languages, with and without a hint: an option is
// taken only on a page that shows it; elsewhere the same page comes back
// with a hint. And a wrong answer's hint never spreads a menu over more
// pages than it has without one (options would hide behind "98").
func TestOptionsAcceptedOnlyWhereShown(t *testing.T) {
	t.Parallel()
	c, err := content.Load(flows.FS, locales.FS, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r := render.New(c.Catalog, c.Set, 182)
	s := New(c.Engine, r, nil, msg.NewHasher([]byte("k")), slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	checked, hidden := 0, 0
	var noRoom []string
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Type != flow.Menu && n.Type != flow.Info {
			continue
		}
		for _, lang := range []msg.Lang{msg.French, msg.English} {
			answers := map[string]string{"name": "Awa Moussa", "town": "Garoua", "ref": "K7M3QX"}
			base := flow.State{Node: key, Lang: lang, Answers: answers, Channel: msg.USSD, Session: "s"}
			bare := r.Pages(msg.USSD, c.Engine.Screen(base), lang, answers)
			hinted := base
			hinted.Hint = flow.MsgInvalidChoice
			if n.Hint != "" {
				hinted.Hint = n.Hint
			}
			got := r.Pages(msg.USSD, c.Engine.Screen(hinted), lang, answers)
			if len(got) > len(bare) {
				t.Errorf("%s %s: the hint spreads the menu over %d pages, %d without", key, lang, len(got), len(bare))
			}
			if hint, short := c.Catalog.Text(lang, hinted.Hint, nil), c.Catalog.Text(lang, flow.MsgHintShort, nil); !strings.HasPrefix(got[0], hint) && !strings.HasPrefix(got[0], short) {
				// The screen fills its pages: the question comes back
				// without a hint rather than with its options pushed away.
				noRoom = append(noRoom, key+" "+string(lang))
			}
			for _, st := range []flow.State{base, hinted} {
				pages := r.Pages(msg.USSD, c.Engine.Screen(st), lang, answers)
				_, opts := r.Lines(c.Engine.Screen(st), lang, answers)
				for p := range pages {
					st.Page = p
					for i := range opts {
						shown := strings.Contains("\n"+pages[p]+"\n", "\n"+opts[i]+"\n")
						h := s.newHop(context.Background(), "p", msg.Inbound{Channel: msg.USSD, Session: "s", Text: strconv.Itoa(i + 1)},
							msg.Conversation{}, time.Unix(0, 0))
						next, _, _ := s.step(h, st)
						moved := next.Node != key || next.Done
						checked++
						if !shown {
							hidden++
							if moved {
								t.Errorf("%s %s page %d: option %d taken though not shown", key, lang, p+1, i+1)
							}
							if next.Hint == "" {
								t.Errorf("%s %s page %d: option %d not shown, and no hint", key, lang, p+1, i+1)
							}
						}
					}
				}
			}
		}
	}
	if hidden == 0 {
		t.Fatal("no paged menu met: the test checks nothing")
	}
	t.Logf("%d choices checked, %d of options not shown on their page; %d screens too full for even the short hint (repeated without one): %v",
		checked, hidden, len(noRoom), noRoom)
}
