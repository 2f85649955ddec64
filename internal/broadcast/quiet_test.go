package broadcast

import (
	"testing"
	"time"
)

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	douala, err := time.LoadLocation("Africa/Douala")
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseQuiet("20:00-08:00", douala)
	if err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, douala) }
	for _, c := range []struct {
		name string
		t    time.Time
		want time.Time
	}{
		{"day", at(14, 0), time.Time{}},
		{"just before", at(19, 59), time.Time{}},
		{"evening", at(20, 0), time.Date(2026, 12, 2, 8, 0, 0, 0, douala)},
		{"night", at(2, 30), at(8, 0)},
		{"morning", at(8, 0), time.Time{}},
		{"UTC evening", time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC), time.Date(2026, 12, 2, 8, 0, 0, 0, douala)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := q.Until(c.t); !got.Equal(c.want) {
				t.Fatalf("Until(%v) = %v, want %v", c.t, got, c.want)
			}
		})
	}
	day, _ := ParseQuiet("12:00-14:00", douala)
	if day.Until(at(13, 0)) != at(14, 0) || !day.Until(at(15, 0)).IsZero() {
		t.Fatal("a span within the day")
	}
	none, _ := ParseQuiet("none", douala)
	if !none.Until(at(2, 0)).IsZero() {
		t.Fatal("no quiet hours")
	}
	for _, bad := range []string{"20-08", "25:00-08:00", "20:00", "aa:bb-cc:dd"} {
		if _, err := ParseQuiet(bad, douala); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
