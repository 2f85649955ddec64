package broadcast

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Quiet is the daily span during which no campaign message is sent (a
// person is not woken at night), in a time zone.
type Quiet struct {
	// Start and End are minutes after midnight; Start > End spans midnight.
	// Start == End means no quiet hours.
	Start, End int
	Loc        *time.Location
}

// ParseQuiet reads "HH:MM-HH:MM" (or "" / "none" for no quiet hours) in loc.
// It returns an error for anything else.
func ParseQuiet(s string, loc *time.Location) (Quiet, error) {
	q := Quiet{Loc: loc}
	if s == "" || s == "none" {
		return q, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return q, fmt.Errorf("error reading quiet hours %q: want HH:MM-HH:MM", s)
	}
	var err error
	if q.Start, err = minutes(a); err != nil {
		return q, err
	}
	if q.End, err = minutes(b); err != nil {
		return q, err
	}
	return q, nil
}

func minutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("error reading time %q: want HH:MM", s)
	}
	return hh*60 + mm, nil
}

// Until returns the end of the quiet span t falls in, or the zero time when
// t is not in quiet hours.
func (q Quiet) Until(t time.Time) time.Time {
	if q.Start == q.End {
		return time.Time{}
	}
	loc := q.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	now := lt.Hour()*60 + lt.Minute()
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	end := day.Add(time.Duration(q.End) * time.Minute)
	switch {
	case q.Start < q.End && now >= q.Start && now < q.End:
		return end
	case q.Start > q.End && now >= q.Start:
		return end.AddDate(0, 0, 1)
	case q.Start > q.End && now < q.End:
		return end
	}
	return time.Time{}
}

// String writes the span as HH:MM-HH:MM.
func (q Quiet) String() string {
	if q.Start == q.End {
		return "none"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}
