package smstext

import "testing"

func TestShape(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"circumflexes", "âêîôû ÂÊÎÔÛ", "aeiou AEIOU"},
		{"diaereses", "ëïÿ ËÏŸ", "eiy EIY"},
		{"cedilla", "ç Ç", "c Ç"},
		{"ligature", "œuvre Œuvre", "oeuvre OEuvre"},
		{"capital graves", "À È Ù", "A E U"},
		{"gsm accents kept", "é è à ù É Ç", "é è à ù É Ç"},
		{"apostrophes", "l’aide ‘x’", "l'aide 'x'"},
		{"curly quotes", "“oui”", `"oui"`},
		{"guillemets with nbsp", "«\u00a0oui\u00a0»", `"oui"`},
		{"guillemets with narrow nbsp", "«\u202foui\u202f»", `"oui"`},
		{"guillemets with spaces", "« oui »", `"oui"`},
		{"guillemets tight", "«oui»", `"oui"`},
		{"space outside guillemets kept", "dit « oui » ici", `dit "oui" ici`},
		{"ellipsis", "attendez…", "attendez..."},
		{"dashes", "a – b — c", "a - b - c"},
		{"nbsp before punctuation", "Merci\u00a0! Prêt\u202f?", "Merci ! Pret ?"},
		{"other non gsm kept", "ok 👍 ñ á", "ok 👍 ñ á"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := Shape(c.in); got != c.want {
				t.Fatalf("Shape(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestShapeEveryListedCharacterIsGSM7(t *testing.T) {
	t.Parallel()
	for r, to := range shapes {
		t.Run(string(r), func(t *testing.T) {
			t.Parallel()
			if IsGSM7(string(r)) {
				t.Fatalf("%q is GSM-7 and must not be shaped", r)
			}
			if got := Shape(string(r)); got != to || !IsGSM7(got) {
				t.Fatalf("Shape(%q) = %q (GSM-7: %v), want GSM-7 %q", r, got, IsGSM7(got), to)
			}
		})
	}
}

func TestShapeFrenchSentence(t *testing.T) {
	t.Parallel()
	in := "Bienvenue\u00a0! Votre inscription à «\u00a0Passerelle\u00a0» est enregistrée. " +
		"Nous vous aiderons à créer votre activité : formation, crédit, accès au marché… " +
		"Répondez AIDE pour l’aide ou ARRET pour ne plus recevoir de messages. Être entrepreneur, c’est possible."
	want := "Bienvenue ! Votre inscription à \"Passerelle\" est enregistrée. " +
		"Nous vous aiderons à créer votre activité : formation, crédit, accès au marché... " +
		"Répondez AIDE pour l'aide ou ARRET pour ne plus recevoir de messages. Etre entrepreneur, c'est possible."
	got := Shape(in)
	if got != want {
		t.Fatalf("Shape =\n%q\nwant\n%q", got, want)
	}
	before, after := Count(in), Count(got)
	if before.Encoding != UCS2 || before.Segments != 4 {
		t.Fatalf("before = %+v, want UCS-2 in 4 segments", before)
	}
	if after.Encoding != GSM7 || after.Segments != 2 {
		t.Fatalf("after = %+v, want GSM-7 in 2 segments", after)
	}
}
