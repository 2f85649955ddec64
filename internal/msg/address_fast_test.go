package msg

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
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

// FuzzParseE164: what the one-parse path accepts, the full parse accepts
// as the same number; and for s, and for "+237" then s's digits, the
// decision without the library for Cameroon is the library's.
func FuzzParseE164(f *testing.F) {
	for _, s := range e164Samples {
		f.Add(s)
	}
	for _, s := range []string{"+23701234567", "+237012345678", "+2370670000001", "+2376700000", "+237670000001234", "6 70 00 00 01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, ok := parseE164(s); ok {
			if full, err := parseAddress(s, "CM"); err != nil || full != a {
				t.Fatalf("%q: one-parse path %q, full parse %q, %v", s, a, full, err)
			}
		}
		if e164Shape(s) && strings.HasPrefix(s, "+237") {
			checkCameroon(t, s)
		}
		if cm := "+237" + fuzzDigits(s, 13); e164Shape(cm) {
			checkCameroon(t, cm)
		}
	})
}

// fuzzDigits gives the ASCII digits of s, at most n of them.
func fuzzDigits(s string, n int) string {
	var b []byte
	for i := 0; i < len(s) && len(b) < n; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
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

// libraryE164 is the reference for parseE164's decision: what
// nyaruka/phonenumbers says of s, called here directly.
func libraryE164(s string) bool {
	num, err := phonenumbers.Parse(s, "")
	return err == nil && phonenumbers.IsPossibleNumber(num) && phonenumbers.Format(num, phonenumbers.E164) == s
}

// TestCameroonPossibleSameAsLibrary: for "+237" then 0 to 13 digits
// (exhaustive over the first cameroonHead national digits, for every
// length), the decision without the library is the library's, and so is
// parseE164's.
func TestCameroonPossibleSameAsLibrary(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 13; n++ {
		t.Run(strconv.Itoa(n)+" digits", func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(237, uint64(n)))
			for _, s := range cameroonInputs(n, rng) {
				checkCameroon(t, s)
			}
		})
	}
}

// cameroonInputs gives "+237" then n digits: every possible first
// min(n, cameroonHead) digits, each followed by zeros, by nines and by
// cameroonFills random fills.
func cameroonInputs(n int, rng *rand.Rand) []string {
	head := min(n, cameroonHead)
	heads := 1
	for range head {
		heads *= 10
	}
	var out []string
	for h := range heads {
		prefix := fmt.Sprintf("+237%0*d", head, h)
		if head == 0 {
			prefix = "+237"
		}
		if n == head {
			out = append(out, prefix)
			continue
		}
		out = append(out, prefix+strings.Repeat("0", n-head), prefix+strings.Repeat("9", n-head))
		for range cameroonFills {
			out = append(out, prefix+randomDigits(rng, n-head))
		}
	}
	return out
}

func randomDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// checkCameroon fails t if, for s ("+237" then digits), cameroonPossible or
// parseE164 decides otherwise than the library.
func checkCameroon(t *testing.T, s string) {
	t.Helper()
	want := libraryE164(s)
	if possible, decided := cameroonPossible(s); !decided || possible != want {
		t.Errorf("%s: cameroonPossible = %v, decided %v; the library says %v", s, possible, decided, want)
	}
	if a, ok := parseE164(s); ok != want || (ok && string(a) != s) {
		t.Errorf("%s: parseE164 = %q, %v; the library says %v", s, a, ok, want)
	}
}

// TestCameroonPossible: hand-picked Cameroon numbers, decided without the
// library as the library decides them.
func TestCameroonPossible(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		want     bool
	}{
		{"mobile", "+237670000001", true},
		{"fixed line", "+237222000000", true},
		{"toll free, eight digits", "+23788000000", true},
		{"eight digits", "+23767000000", true},
		{"leading zero, nine digits", "+237012345678", true},
		{"leading zero, eight digits", "+23701234567", true},
		{"all zeros", "+237000000000", true},
		{"five digits", "+23767000", false},
		{"seven digits", "+2376700000", false},
		{"ten digits", "+2376700000011", false},
		{"ten digits, leading zero", "+2370670000001", false},
		{"twelve digits", "+237670000001234", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := libraryE164(c.in); got != c.want {
				t.Fatalf("the library says %v for %s, the table %v", got, c.in, c.want)
			}
			checkCameroon(t, c.in)
		})
	}
}

// TestCameroonPossibleOtherCountries: a number of another country code is
// left to the library.
func TestCameroonPossibleOtherCountries(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"+33612345678", "+23480312345678", "+2236700000", "+12376700000", "+2237670000001"} {
		if _, decided := cameroonPossible(s); decided {
			t.Errorf("%s: decided without the library", s)
		}
	}
}

// TestParseE164CameroonAllocs: a Cameroon number not seen recently costs no
// allocation (the library's parse cost 34).
func TestParseE164CameroonAllocs(t *testing.T) {
	nums := make([]string, 1001)
	for i := range nums {
		nums[i] = "+2376" + strconv.Itoa(90000000+i)
	}
	i := 0
	allocs := testing.AllocsPerRun(len(nums)-1, func() {
		if _, ok := parseE164(nums[i]); !ok {
			t.Fatalf("%s refused", nums[i])
		}
		i++
	})
	if allocs != 0 {
		t.Fatalf("%v allocations a number, want 0", allocs)
	}
}
