package msg

import (
	"strconv"
	"testing"
)

// e164Samples are numbers in E.164 form and near it: several countries,
// lengths, non-geographic codes and numbers the full parse refuses.
var e164Samples = []string{
	"+237670000001", "+237222123456", "+2376700000011", "+23767000000", "+237000000000",
	"+33612345678", "+330612345678", "+31612345678", "+310612345678", "+14155552671", "+1415555267",
	"+442071838750", "+4420718387501", "+2348031234567", "+23480312345678", "+8005678901", "+80012345678",
	"+882341234567", "+999670000001", "+12345678", "+123456789012345", "+1234567890123456", "+0237670000001",
	"+39061234567", "+390612345678", "+2250701234567", "+22507012345", "+79123456789", "+861012345678",
}

// TestParseE164SameAsFullParse: the one-parse path for E.164 input gives
// exactly what the full parse gives, whatever the region, or leaves the
// number to it.
func TestParseE164SameAsFullParse(t *testing.T) {
	t.Parallel()
	for _, s := range e164Samples {
		for _, region := range []string{"CM", "FR", "US", "GB", "NG"} {
			full, ferr := parseAddress(s, region)
			got, err := ParseAddressIn(s, region)
			if got != full || (err == nil) != (ferr == nil) {
				t.Errorf("%s in %s: %q, %v; the full parse gives %q, %v", s, region, got, err, full, ferr)
			}
			if a, ok := parseE164(s); ok && a != full {
				t.Errorf("%s in %s: the one-parse path gives %q, the full parse %q", s, region, a, full)
			}
		}
	}
}

func FuzzParseE164(f *testing.F) {
	for _, s := range e164Samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, ok := parseE164(s); ok {
			if full, err := parseAddress(s, "CM"); err != nil || full != a {
				t.Fatalf("%q: one-parse path %q, full parse %q, %v", s, a, full, err)
			}
		}
	})
}

// TestE164SeenBounded: the set of numbers seen forgets everything past
// seenMax and keeps no number, only hashes.
func TestE164SeenBounded(t *testing.T) {
	t.Parallel()
	s := newSeenSet()
	if s.has("+237670000001") {
		t.Fatal("seen before being added")
	}
	s.add("+237670000001")
	if !s.has("+237670000001") || s.has("+237670000002") {
		t.Fatal("wrong answer after one add")
	}
	for i := 0; i < seenMax; i++ {
		s.add(strconv.Itoa(i))
	}
	if len(s.m) > seenMax || s.has("+237670000001") {
		t.Fatalf("%d remembered, first one kept: want at most %d and forgotten", len(s.m), seenMax)
	}
}

// BenchmarkParseAddressNew parses a number not seen before each time (the
// first hop of a person).
func BenchmarkParseAddressNew(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if _, err := ParseAddress("+2376" + strconv.Itoa(10000000+n%90000000)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAddressNewPrebuilt is BenchmarkParseAddressNew with the
// numbers built beforehand, so that allocs/op counts ParseAddress alone.
// The numbers are twice seenMax, so each is forgotten by e164Seen before it
// comes round again: every parse is of a number not seen recently.
func BenchmarkParseAddressNewPrebuilt(b *testing.B) {
	nums := make([]string, 2*seenMax)
	for i := range nums {
		nums[i] = "+2376" + strconv.Itoa(10000000+i)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if _, err := ParseAddress(nums[n%len(nums)]); err != nil {
			b.Fatal(err)
		}
	}
}
