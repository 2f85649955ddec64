// Package render turns a flow screen into what a phone shows: USSD pages
// within a character budget, never splitting an option, and SMS text.
package render

import (
	"strings"
	"unicode/utf8"
)

// Nav holds the labels of the paging lines, in one language.
type Nav struct {
	More string // "98. Suite"
	Back string // "0. Retour"
}

// Paginate lays a screen out into pages of at most budget characters
// (runes), each page's lines joined by newlines: first the text lines, then
// the option lines. An option is never split (one longer than a page
// overflows it, which the content check reports); a text line longer than a
// page is wrapped at spaces. A page followed by another ends with nav.More, a
// page after the first with nav.Back. It returns at least one page.
func Paginate(text, options []string, budget int, nav Nav) []string {
	lines := append(append(make([]string, 0, len(text)+len(options)), text...), options...)
	if fits(lines, "", budget) {
		return []string{strings.Join(lines, "\n")}
	}
	full := nav.More + "\n" + nav.Back
	texts := wrap(text, budget-count(full)-1)
	atoms := append(texts, options...)
	nText := len(texts)
	var pages []string
	for i := 0; i < len(atoms); {
		first := len(pages) == 0
		back := nav.Back
		if first {
			back = ""
		}
		if fits(atoms[i:], back, budget) {
			pages = append(pages, page(atoms[i:], back))
			break
		}
		footer := nav.More
		if !first {
			footer = full
		}
		j := i + 1 // always take one atom, so paging ends
		for j < len(atoms) && fits(atoms[i:j+1], footer, budget) {
			j++
		}
		// Fill the rest of the page with the head of the next text line
		// (options are never split).
		if j < nText && j > i {
			room := budget - used(atoms[i:j], footer) - 1
			if room >= minSplit {
				head, tail := splitAt(atoms[j], room)
				if head != "" {
					atoms = append(atoms[:j:j], append([]string{head, tail}, atoms[j+1:]...)...)
					nText++
					j++
				}
			}
		}
		pages = append(pages, page(atoms[i:j], footer))
		i = j
	}
	return pages
}

// minSplit is the least room worth filling with part of a text line.
const minSplit = 20

// used counts the characters of lines and footer on one page.
func used(lines []string, footer string) int {
	n := count(footer)
	for _, l := range lines {
		n += count(l) + 1
	}
	return n
}

// splitAt cuts s at the last space within max runes; head is "" when
// there is none.
func splitAt(s string, max int) (head, tail string) {
	if count(s) <= max {
		return s, ""
	}
	cut := cutAt(s, max)
	if cut <= 0 || cut >= len(s) || s[cut] != ' ' {
		return "", s
	}
	return strings.TrimRight(s[:cut], " "), strings.TrimLeft(s[cut:], " ")
}

func page(lines []string, footer string) string {
	s := strings.Join(lines, "\n")
	if footer != "" {
		s += "\n" + footer
	}
	return s
}

func fits(lines []string, footer string, budget int) bool {
	n := count(footer)
	if footer != "" && len(lines) > 0 {
		n++
	}
	for i, l := range lines {
		if i > 0 {
			n++
		}
		n += count(l)
		if n > budget {
			return false
		}
	}
	return n <= budget
}

func count(s string) int { return utf8.RuneCountInString(s) }

// wrap splits every line longer than max at spaces (or, for a word longer
// than max, anywhere).
func wrap(lines []string, max int) []string {
	if max < 10 {
		max = 10
	}
	var out []string
	for _, l := range lines {
		for count(l) > max {
			cut := cutAt(l, max)
			out = append(out, strings.TrimRight(l[:cut], " "))
			l = strings.TrimLeft(l[cut:], " ")
		}
		out = append(out, l)
	}
	return out
}

// cutAt returns a byte index at most max runes into s, at the last space if any.
func cutAt(s string, max int) int {
	n, lastSpace, end := 0, -1, len(s)
	for i := range s {
		if n == max {
			end = i
			break
		}
		if s[i] == ' ' && i > 0 {
			lastSpace = i
		}
		n++
	}
	if lastSpace > 0 {
		return lastSpace
	}
	return end
}
