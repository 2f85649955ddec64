package broadcast

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/passerelle/passerelle/internal/smstext"
)

// TextCost is what one text costs as SMS.
type TextCost struct {
	Text  string `json:"text"`
	Chars int    `json:"chars"`
	// Units is the length in septets (GSM-7, extension characters count
	// 2) or UTF-16 code units (UCS-2).
	Units    int    `json:"units"`
	Encoding string `json:"encoding"` // "gsm7" or "ucs2"
	Segments int    `json:"segments"`
}

// LangPreview is one language's text and who receives it.
type LangPreview struct {
	Recipients int      `json:"recipients"`
	Text       TextCost `json:"text"`
	Shaped     TextCost `json:"shaped"`   // the same text shaped to GSM-7
	Fallback   bool     `json:"fallback"` // recipients of this language get the fallback language's text
}

// Preview is what a campaign costs over its audience, as written and
// shaped to GSM-7.
type Preview struct {
	Audience        int                    `json:"audience"`
	Fallback        string                 `json:"fallback"` // the language whose text people of a language with none get
	Langs           map[string]LangPreview `json:"langs"`
	Segments        int                    `json:"segments"`        // total over the audience, as written
	ShapedSegments  int                    `json:"shaped_segments"` // total if shaped to GSM-7
	Cost            float64                `json:"cost"`            // Segments × price
	ShapedCost      float64                `json:"shaped_cost"`
	Saving          float64                `json:"saving"` // Cost − ShapedCost
	PricePerSegment float64                `json:"price_per_segment"`
	Currency        string                 `json:"currency,omitempty"`
}

// costOf returns what text costs as SMS.
func costOf(text string) TextCost {
	info := smstext.Count(text)
	return TextCost{Text: text, Chars: info.Chars, Units: info.Units, Encoding: string(info.Encoding), Segments: info.Segments}
}

// Compute returns the preview of texts (by language) sent to audience (recipients by language),
// people whose language has no text getting the fallback's. price is per segment.
//
// Langs has an entry for every language of texts or audience; a language
// with no text, or an empty one, is marked Fallback and costs the
// fallback's text (nothing when the fallback has no text either, which
// Check refuses). Negative recipient counts count as 0.
func Compute(texts map[string]string, fallback string, audience map[string]int, price float64, currency string) Preview {
	p := Preview{Fallback: fallback, Langs: make(map[string]LangPreview, len(texts)+len(audience)), PricePerSegment: price, Currency: currency}
	langs := make(map[string]bool, len(texts)+len(audience))
	for lang := range texts {
		langs[lang] = true
	}
	for lang := range audience {
		langs[lang] = true
	}
	for lang := range langs {
		n := max(audience[lang], 0)
		text, ok := texts[lang]
		lp := LangPreview{Recipients: n, Fallback: !ok || text == ""}
		if lp.Fallback {
			text = texts[fallback]
		}
		lp.Text, lp.Shaped = costOf(text), costOf(smstext.Shape(text))
		p.Langs[lang] = lp
		p.Audience += n
		p.Segments += n * lp.Text.Segments
		p.ShapedSegments += n * lp.Shaped.Segments
	}
	p.Cost = float64(p.Segments) * price
	p.ShapedCost = float64(p.ShapedSegments) * price
	p.Saving = float64(p.Segments-p.ShapedSegments) * price
	return p
}

// Check refuses texts over maxSegments segments (as written) or empty, or a fallback without a text, with an error whose message says which language and why (e.g. `text "fr" is 4 segments (UCS-2, 231 characters); at most 3`).
//
// A maxSegments of 0 or less sets no limit. Every problem is reported, in
// language order, one a line (errors.Join).
func Check(texts map[string]string, fallback string, maxSegments int) error {
	var errs []error
	if len(texts) == 0 {
		return errors.New("no text: want one per language")
	}
	if fallback == "" {
		errs = append(errs, errors.New("no fallback language: want one that has a text"))
	} else if _, ok := texts[fallback]; !ok {
		errs = append(errs, fmt.Errorf("fallback %q has no text", fallback))
	}
	langs := make([]string, 0, len(texts))
	for lang := range texts {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	for _, lang := range langs {
		text := texts[lang]
		if strings.TrimSpace(text) == "" {
			errs = append(errs, fmt.Errorf("text %q is empty", lang))
			continue
		}
		c := costOf(text)
		if maxSegments <= 0 || c.Segments <= maxSegments {
			continue
		}
		why := fmt.Sprintf("text %q is %d segments (%s, %d characters); at most %d", lang, c.Segments, encodingLabel(c.Encoding), c.Chars, maxSegments)
		if s := costOf(smstext.Shape(text)); s.Segments <= maxSegments {
			why += fmt.Sprintf("; shaped to GSM-7 it would be %d", s.Segments)
		}
		errs = append(errs, errors.New(why))
	}
	return errors.Join(errs...)
}

// encodingLabel is how people write an encoding: GSM-7 or UCS-2.
func encodingLabel(e string) string {
	if e == string(smstext.UCS2) {
		return "UCS-2"
	}
	return "GSM-7"
}
