package web

import (
	"math"
	"strconv"
	"testing"
)

// TestFormatRequestIDSameAsReference: ids are written as they always were,
// in one allocation (the prefix, the '-' and the number concatenated cost
// two).
func TestFormatRequestIDSameAsReference(t *testing.T) {
	for _, seq := range []uint64{0, 1, 35, 36, 1 << 20, 1<<63 + 12345, math.MaxUint64} {
		t.Run(strconv.FormatUint(seq, 10), func(t *testing.T) {
			if got, want := formatRequestID(seq), ridPrefix+"-"+strconv.FormatUint(seq, 36); got != want {
				t.Fatalf("formatRequestID(%d) = %q, want %q", seq, got, want)
			}
			if n := testing.AllocsPerRun(100, func() { formatRequestID(seq) }); n != 1 {
				t.Fatalf("%v allocations, want 1", n)
			}
		})
	}
}
