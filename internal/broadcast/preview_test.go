package broadcast

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestComputeTextCost(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	e := func(n int) string { return strings.Repeat("ê", n) }
	cases := []struct {
		name         string
		text         string
		want, shaped TextCost // Text fields are not compared
	}{
		{"plain gsm7", "Bonjour", TextCost{Chars: 7, Units: 7, Encoding: "gsm7", Segments: 1}, TextCost{Chars: 7, Units: 7, Encoding: "gsm7", Segments: 1}},
		{"gsm7 accents stay", "Déjà été", TextCost{Chars: 8, Units: 8, Encoding: "gsm7", Segments: 1}, TextCost{Chars: 8, Units: 8, Encoding: "gsm7", Segments: 1}},
		{"cedilla", "ça va", TextCost{Chars: 5, Units: 5, Encoding: "ucs2", Segments: 1}, TextCost{Chars: 5, Units: 5, Encoding: "gsm7", Segments: 1}},
		{"typographic apostrophe", "l’atelier", TextCost{Chars: 9, Units: 9, Encoding: "ucs2", Segments: 1}, TextCost{Chars: 9, Units: 9, Encoding: "gsm7", Segments: 1}},
		{"ellipsis grows when shaped", "attendez…", TextCost{Chars: 9, Units: 9, Encoding: "ucs2", Segments: 1}, TextCost{Chars: 11, Units: 11, Encoding: "gsm7", Segments: 1}},
		{"euro costs two septets", "5 €", TextCost{Chars: 3, Units: 4, Encoding: "gsm7", Segments: 1}, TextCost{Chars: 3, Units: 4, Encoding: "gsm7", Segments: 1}},
		{"emoji stays ucs2", "ok 👍", TextCost{Chars: 4, Units: 5, Encoding: "ucs2", Segments: 1}, TextCost{Chars: 4, Units: 5, Encoding: "ucs2", Segments: 1}},
		{"160 gsm7", a(160), TextCost{Chars: 160, Units: 160, Encoding: "gsm7", Segments: 1}, TextCost{Chars: 160, Units: 160, Encoding: "gsm7", Segments: 1}},
		{"161 gsm7", a(161), TextCost{Chars: 161, Units: 161, Encoding: "gsm7", Segments: 2}, TextCost{Chars: 161, Units: 161, Encoding: "gsm7", Segments: 2}},
		{"306 gsm7", a(306), TextCost{Chars: 306, Units: 306, Encoding: "gsm7", Segments: 2}, TextCost{Chars: 306, Units: 306, Encoding: "gsm7", Segments: 2}},
		{"307 gsm7", a(307), TextCost{Chars: 307, Units: 307, Encoding: "gsm7", Segments: 3}, TextCost{Chars: 307, Units: 307, Encoding: "gsm7", Segments: 3}},
		{"70 ucs2", e(70), TextCost{Chars: 70, Units: 70, Encoding: "ucs2", Segments: 1}, TextCost{Chars: 70, Units: 70, Encoding: "gsm7", Segments: 1}},
		{"71 ucs2", e(71), TextCost{Chars: 71, Units: 71, Encoding: "ucs2", Segments: 2}, TextCost{Chars: 71, Units: 71, Encoding: "gsm7", Segments: 1}},
		{"134 ucs2", e(134), TextCost{Chars: 134, Units: 134, Encoding: "ucs2", Segments: 2}, TextCost{Chars: 134, Units: 134, Encoding: "gsm7", Segments: 1}},
		{"135 ucs2", e(135), TextCost{Chars: 135, Units: 135, Encoding: "ucs2", Segments: 3}, TextCost{Chars: 135, Units: 135, Encoding: "gsm7", Segments: 1}},
		{"one ucs2 char makes 160 cost 3", "ç" + a(159), TextCost{Chars: 160, Units: 160, Encoding: "ucs2", Segments: 3}, TextCost{Chars: 160, Units: 160, Encoding: "gsm7", Segments: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := Compute(map[string]string{"fr": c.text}, "fr", map[string]int{"fr": 1}, 0, "")
			lp := p.Langs["fr"]
			if lp.Text.Text != c.text {
				t.Errorf("Text.Text = %q, want %q", lp.Text.Text, c.text)
			}
			lp.Text.Text, lp.Shaped.Text = "", ""
			if lp.Text != c.want || lp.Shaped != c.shaped {
				t.Fatalf("Text = %+v, Shaped = %+v; want %+v, %+v", lp.Text, lp.Shaped, c.want, c.shaped)
			}
			if p.Segments != c.want.Segments || p.ShapedSegments != c.shaped.Segments {
				t.Fatalf("Segments = %d, ShapedSegments = %d; want %d, %d", p.Segments, p.ShapedSegments, c.want.Segments, c.shaped.Segments)
			}
		})
	}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	// fr is 2 UCS-2 segments (ç, ’), 1 GSM-7 segment shaped; en is 1 GSM-7 segment.
	fr := "Formation à Bafoussam : l’atelier commence lundi. Répondez 1 pour vous inscrire, ça ne coûte rien."
	en := "Training in Bafoussam: the workshop starts on Monday. Reply 1 to sign up, it is free."
	texts := map[string]string{"fr": fr, "en": en}
	type lang struct {
		recipients, segments, shaped int
		fallback                     bool
	}
	cases := []struct {
		name                     string
		texts                    map[string]string
		fallback                 string
		audience                 map[string]int
		price                    float64
		want                     map[string]lang
		total, segments, shaped  int
		cost, shapedCost, saving float64
	}{
		{
			name: "two languages", texts: texts, fallback: "fr", audience: map[string]int{"fr": 1500, "en": 500}, price: 25,
			want:  map[string]lang{"fr": {1500, 2, 1, false}, "en": {500, 1, 1, false}},
			total: 2000, segments: 3500, shaped: 2000, cost: 87500, shapedCost: 50000, saving: 37500,
		},
		{
			name: "no text: fallback", texts: texts, fallback: "fr", audience: map[string]int{"en": 10, "ff": 100, "": 20}, price: 1,
			want:  map[string]lang{"fr": {0, 2, 1, false}, "en": {10, 1, 1, false}, "ff": {100, 2, 1, true}, "": {20, 2, 1, true}},
			total: 130, segments: 250, shaped: 130, cost: 250, shapedCost: 130, saving: 120,
		},
		{
			name: "english fallback", texts: texts, fallback: "en", audience: map[string]int{"ff": 100}, price: 1,
			want:  map[string]lang{"fr": {0, 2, 1, false}, "en": {0, 1, 1, false}, "ff": {100, 1, 1, true}},
			total: 100, segments: 100, shaped: 100, cost: 100, shapedCost: 100, saving: 0,
		},
		{
			name: "empty text: fallback", texts: map[string]string{"fr": fr, "en": ""}, fallback: "fr", audience: map[string]int{"en": 3}, price: 2,
			want:  map[string]lang{"fr": {0, 2, 1, false}, "en": {3, 2, 1, true}},
			total: 3, segments: 6, shaped: 3, cost: 12, shapedCost: 6, saving: 6,
		},
		{
			name: "negative count is none", texts: texts, fallback: "fr", audience: map[string]int{"fr": -5, "en": 1}, price: 1,
			want:  map[string]lang{"fr": {0, 2, 1, false}, "en": {1, 1, 1, false}},
			total: 1, segments: 1, shaped: 1, cost: 1, shapedCost: 1, saving: 0,
		},
		{
			name: "fallback without text costs nothing", texts: map[string]string{"en": en}, fallback: "fr", audience: map[string]int{"fr": 7}, price: 1,
			want:  map[string]lang{"en": {0, 1, 1, false}, "fr": {7, 0, 0, true}},
			total: 7,
		},
		{
			name: "no audience", texts: texts, fallback: "fr", price: 25,
			want: map[string]lang{"fr": {0, 2, 1, false}, "en": {0, 1, 1, false}},
		},
		{
			name: "fractional price", texts: map[string]string{"fr": fr}, fallback: "fr", audience: map[string]int{"fr": 3}, price: 0.1,
			want:  map[string]lang{"fr": {3, 2, 1, false}},
			total: 3, segments: 6, shaped: 3, cost: 0.6000000000000001, shapedCost: 0.30000000000000004, saving: 0.30000000000000004,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := Compute(c.texts, c.fallback, c.audience, c.price, "XAF")
			if len(p.Langs) != len(c.want) {
				t.Errorf("Langs = %v, want %d languages", p.Langs, len(c.want))
			}
			for name, w := range c.want {
				lp, ok := p.Langs[name]
				got := lang{lp.Recipients, lp.Text.Segments, lp.Shaped.Segments, lp.Fallback}
				if !ok || got != w {
					t.Errorf("Langs[%q] = %+v (present %v), want %+v", name, got, ok, w)
				}
			}
			if p.Audience != c.total || p.Segments != c.segments || p.ShapedSegments != c.shaped {
				t.Errorf("Audience, Segments, ShapedSegments = %d, %d, %d; want %d, %d, %d", p.Audience, p.Segments, p.ShapedSegments, c.total, c.segments, c.shaped)
			}
			if p.Cost != c.cost || p.ShapedCost != c.shapedCost || p.Saving != c.saving {
				t.Errorf("Cost, ShapedCost, Saving = %v, %v, %v; want %v, %v, %v", p.Cost, p.ShapedCost, p.Saving, c.cost, c.shapedCost, c.saving)
			}
			if p.PricePerSegment != c.price || p.Currency != "XAF" || p.Fallback != c.fallback {
				t.Errorf("PricePerSegment, Currency, Fallback = %v, %q, %q", p.PricePerSegment, p.Currency, p.Fallback)
			}
		})
	}
}

func TestComputeFallbackText(t *testing.T) {
	t.Parallel()
	p := Compute(map[string]string{"fr": "Bonjour…"}, "fr", map[string]int{"en": 1}, 1, "")
	lp := p.Langs["en"]
	if !lp.Fallback || lp.Text.Text != "Bonjour…" || lp.Shaped.Text != "Bonjour..." {
		t.Fatalf("Langs[en] = %+v, want the fallback's text and its shaping", lp)
	}
}

func TestPreviewJSON(t *testing.T) {
	t.Parallel()
	p := Compute(map[string]string{"fr": "ça"}, "fr", map[string]int{"fr": 2}, 25, "XAF")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"audience":2,"fallback":"fr","langs":{"fr":{"recipients":2,"text":{"text":"ça","chars":2,"units":2,"encoding":"ucs2","segments":1},` +
		`"shaped":{"text":"ca","chars":2,"units":2,"encoding":"gsm7","segments":1},"fallback":false}},` +
		`"segments":2,"shaped_segments":2,"cost":50,"shaped_cost":50,"saving":0,"price_per_segment":25,"currency":"XAF"}`
	if string(b) != want {
		t.Fatalf("JSON =\n%s\nwant\n%s", b, want)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	e := func(n int) string { return strings.Repeat("ê", n) }
	cases := []struct {
		name     string
		texts    map[string]string
		fallback string
		max      int
		want     string // "" for no error
	}{
		{"ok", map[string]string{"fr": "Bonjour", "en": "Hello"}, "fr", 1, ""},
		{"at the limit gsm7", map[string]string{"fr": a(459)}, "fr", 3, ""},
		{"over the limit gsm7", map[string]string{"fr": a(460)}, "fr", 3, `text "fr" is 4 segments (GSM-7, 460 characters); at most 3`},
		{"at the limit ucs2", map[string]string{"fr": e(201)}, "fr", 3, ""},
		{"over the limit ucs2, shaping helps", map[string]string{"fr": e(231)}, "fr", 3,
			`text "fr" is 4 segments (UCS-2, 231 characters); at most 3; shaped to GSM-7 it would be 2`},
		{"over the limit ucs2, shaping does not help", map[string]string{"en": strings.Repeat("👍", 101)}, "en", 3,
			`text "en" is 4 segments (UCS-2, 101 characters); at most 3`},
		{"one segment ucs2", map[string]string{"fr": "ça" + a(69)}, "fr", 1, `text "fr" is 2 segments (UCS-2, 71 characters); at most 1; shaped to GSM-7 it would be 1`},
		{"no limit", map[string]string{"fr": a(2000)}, "fr", 0, ""},
		{"no texts", nil, "fr", 3, "no text: want one per language"},
		{"no fallback", map[string]string{"fr": "Bonjour"}, "", 3, "no fallback language: want one that has a text"},
		{"fallback without text", map[string]string{"en": "Hello"}, "fr", 3, `fallback "fr" has no text`},
		{"empty text", map[string]string{"fr": "Bonjour", "en": ""}, "fr", 3, `text "en" is empty`},
		{"blank text", map[string]string{"fr": "Bonjour", "en": " \n"}, "fr", 3, `text "en" is empty`},
		{"empty fallback text", map[string]string{"fr": ""}, "fr", 3, `text "fr" is empty`},
		{"every problem in order", map[string]string{"fr": a(500), "en": "", "ff": "Jam"}, "ar", 3,
			"fallback \"ar\" has no text\ntext \"en\" is empty\ntext \"fr\" is 4 segments (GSM-7, 500 characters); at most 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := Check(c.texts, c.fallback, c.max)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("Check = %q, want %q", got, c.want)
			}
		})
	}
}
