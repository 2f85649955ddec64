package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var nav = Nav{More: "98. Suite", Back: "0. Retour 00. Menu"}

func TestPaginate(t *testing.T) {
	t.Parallel()
	opts := func(n int, label string) []string {
		var out []string
		for i := 1; i <= n; i++ {
			out = append(out, itoa(i)+". "+label)
		}
		return out
	}
	cases := []struct {
		label     string
		text      []string
		options   []string
		budget    int
		wantPages int
	}{
		{"fits", []string{"Question:"}, opts(4, "Option"), 182, 1},
		{"exactly the budget", []string{strings.Repeat("a", 182)}, nil, 182, 1},
		{"one over", []string{strings.Repeat("a", 100), strings.Repeat("b", 82)}, nil, 182, 2},
		{"long menu", []string{"Votre région de résidence:"}, opts(11, "Région assez longue ici"), 182, 2},
		{"long text wraps and fills pages", []string{strings.Repeat("mot ", 120)}, nil, 182, 3},
		{"text and menu", []string{strings.Repeat("phrase ", 30)}, opts(6, "Choix possible"), 182, 2},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			pages := Paginate(c.text, c.options, c.budget, nav)
			if len(pages) != c.wantPages {
				t.Fatalf("%d pages, want %d:\n%s", len(pages), c.wantPages, strings.Join(pages, "\n----\n"))
			}
			var joined []string
			for i, p := range pages {
				if n := utf8.RuneCountInString(p); n > c.budget {
					t.Errorf("page %d has %d characters", i+1, n)
				}
				last := i == len(pages)-1
				if len(pages) > 1 && !last && !strings.Contains(p, nav.More) {
					t.Errorf("page %d lacks %q", i+1, nav.More)
				}
				if i > 0 && !strings.HasSuffix(p, nav.Back) {
					t.Errorf("page %d lacks %q", i+1, nav.Back)
				}
				if last && strings.Contains(p, nav.More) {
					t.Errorf("last page offers more")
				}
				for _, l := range strings.Split(p, "\n") {
					if l != nav.More && l != nav.Back {
						joined = append(joined, l)
					}
				}
			}
			// Options are whole lines on exactly one page.
			for _, l := range c.options {
				{
					n := 0
					for _, j := range joined {
						if j == l {
							n++
						}
					}
					if n != 1 {
						t.Errorf("option %q shown %d times whole", l, n)
					}
				}
			}
		})
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
