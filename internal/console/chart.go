package console

import (
	"sort"
	"time"
)

// chart is a bar chart drawn as SVG by the templates (_charts.html): every
// position is computed here, so the page needs no script and no style
// attribute.
type chart struct {
	Title         string // what the chart shows, for screen readers
	Width, Height int
	Bars          []bar
	Empty         bool
}

// bar is one bar, its label and its value's text; Part is a second bar
// drawn over it (the funnel's abandoned sessions).
type bar struct {
	X, Y, W, H     int
	PW             int  // width of the part (horizontal charts)
	Odd            bool // every other column: its label is hidden on narrow screens
	Label, Value   string
	LX, LY, VX, VY int
}

// Chart geometry, in SVG user units; the SVG scales to its box.
const (
	chartWidth = 400 // horizontal bars
	rowHeight  = 22
	labelWidth = 130
	valueRoom  = 70
	weekWidth  = 480 // the weekly columns
	colHeight  = 160
)

// hbars draws one horizontal bar per item, longest first; part, when
// given, is drawn over each bar (nil: none).
func hbars(items map[string]int64, part map[string]int64) chart {
	keys := make([]string, 0, len(items))
	var top int64
	for k, v := range items {
		keys = append(keys, k)
		top = max(top, v)
	}
	sort.Slice(keys, func(i, j int) bool {
		if items[keys[i]] != items[keys[j]] {
			return items[keys[i]] > items[keys[j]]
		}
		return keys[i] < keys[j]
	})
	ch := chart{Width: chartWidth, Height: max(len(keys), 1) * rowHeight, Empty: len(keys) == 0}
	room := chartWidth - labelWidth - valueRoom
	for i, k := range keys {
		y := i * rowHeight
		w := scale(items[k], top, room)
		b := bar{X: labelWidth, Y: y + 3, W: w, H: rowHeight - 6, Label: k, Value: num(items[k]),
			LX: labelWidth - 6, LY: y + rowHeight - 7, VX: labelWidth + w + 4, VY: y + rowHeight - 7}
		if part != nil {
			b.PW = scale(part[k], top, room)
			b.Value = num(items[k]) + " / " + num(part[k])
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// weekly draws the registrations of the last n weeks (Monday to Sunday,
// UTC) up to now, one column a week, from counts by day (YYYY-MM-DD).
func weekly(days map[string]int64, now time.Time, n int) chart {
	now = now.UTC()
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(n-1))
	counts := make([]int64, n)
	var top, total int64
	for d, v := range days {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Before(first) || t.After(now) {
			continue
		}
		i := int(t.Sub(first).Hours()) / (24 * 7)
		counts[i] += v
	}
	for _, v := range counts {
		top = max(top, v)
		total += v
	}
	col := weekWidth / n
	ch := chart{Width: weekWidth, Height: colHeight + 20, Empty: total == 0}
	for i, v := range counts {
		h := scale(v, top, colHeight-16)
		x := i * col
		b := bar{X: x + 3, Y: colHeight - h, W: col - 6, H: h, Label: first.AddDate(0, 0, 7*i).Format("02/01"),
			LX: x + col/2, LY: colHeight + 15, VX: x + col/2, VY: colHeight - h - 3, Odd: (n-1-i)%2 == 1}
		if v > 0 {
			b.Value = num(v)
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// scale returns v's share of room, at least 1 for a count above zero.
func scale(v, top int64, room int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return max(1, int(v*int64(room)/top))
}
