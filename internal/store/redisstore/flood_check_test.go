package redisstore

import (
	"strconv"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestFloodCheck: GCRA with a burst of the limit, as redis_rate counted
// (and the script before this one): three a minute pass at once, the
// fourth waits for the first's third of a minute; a stored state that does
// not read as a number counts as none.
func TestFloodCheck(t *testing.T) {
	r := msg.Rate{Limit: 3, Period: time.Minute}
	t0 := time.Unix(floodEpoch+1000, 0)
	tat := func(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) }
	cases := []struct {
		name     string
		at       time.Time
		stored   string
		ok       bool
		wantNext float64
		wait     time.Duration
	}{
		{"none stored", t0, "", true, 1020, 0},
		{"second", t0, tat(1020), true, 1040, 0},
		{"third", t0, tat(1040), true, 1060, 0},
		{"fourth refused", t0, tat(1060), false, 0, 20 * time.Second},
		{"fourth, 19.5 s later", t0.Add(19500 * time.Millisecond), tat(1060), false, 0, 500 * time.Millisecond * 2},
		{"fourth, 20 s later", t0.Add(20 * time.Second), tat(1060), true, 1080, 0},
		{"an old state", t0, tat(10), true, 1020, 0},
		{"unreadable", t0, "x", true, 1020, 0},
		{"written by Lua (%.17g)", t0, "1020.0000000000000", true, 1040, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mark, wait, ok := floodCheck(r, c.at, c.stored)
			if ok != c.ok {
				t.Fatalf("allowed %v, want %v", ok, c.ok)
			}
			if !ok {
				if wait != c.wait || mark.Value != "" {
					t.Fatalf("wait %v mark %+v, want %v and none", wait, mark, c.wait)
				}
				return
			}
			next, err := strconv.ParseFloat(mark.Value, 64)
			if err != nil || next != c.wantNext {
				t.Fatalf("mark %q, want %v", mark.Value, c.wantNext)
			}
			now := float64(c.at.Unix()-floodEpoch) + float64(c.at.Nanosecond())/1e9
			if want := time.Duration(next-now+0.999999) * time.Second; mark.TTL != want {
				t.Fatalf("ttl %v, want %v", mark.TTL, want)
			}
		})
	}
}
