package msg

import (
	"errors"
	"testing"
)

func TestParseAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"e164", "+237670000001", "+237670000001", true},
		{"spaces", " +237 670 000 001 ", "+237670000001", true},
		{"international prefix", "00237670000001", "+237670000001", true},
		{"without plus", "237670000001", "+237670000001", true},
		{"national", "670000001", "+237670000001", true},
		{"national with punctuation", "6 70-00.00/01", "+237670000001", true},
		{"parentheses", "(+237) 670 00 00 01", "+237670000001", true},
		{"no-break space", "+237\u00a0670000001", "+237670000001", true},
		{"other country", "+33 6 12 34 56 78", "+33612345678", true},
		{"other country, international prefix", "0033612345678", "+33612345678", true},
		{"us", "+1 415 555 2671", "+14155552671", true},
		{"leading zero after plus", "+0237670000001", "", false},
		{"letter", "+2376700a0001", "", false},
		{"sender id", "PASSERELLE", "", false},
		{"vanity", "+1800FLOWERS", "", false},
		{"too short", "+1234567", "", false},
		{"too long", "+1234567890123456", "", false},
		{"too short for cameroon", "6700", "", false},
		{"too long for cameroon", "+2376700000011234", "", false},
		{"unknown country code", "+999670000001", "", false},
		{"second plus", "+237+670000001", "", false},
		{"empty", "", "", false},
		{"blank", "   ", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseAddress(c.in)
			if c.ok != (err == nil) {
				t.Fatalf("ParseAddress(%q) err = %v, want ok=%v", c.in, err, c.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("error %v does not wrap ErrInvalidAddress", err)
			}
			if string(got) != c.want {
				t.Fatalf("ParseAddress(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseAddressInRegion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, region, want string
	}{
		{"france national", "06 12 34 56 78", "FR", "+33612345678"},
		{"nigeria national", "0803 123 4567", "NG", "+2348031234567"},
		{"explicit code wins", "+237670000001", "FR", "+237670000001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseAddressIn(c.in, c.region)
			if err != nil || string(got) != c.want {
				t.Fatalf("ParseAddressIn(%q, %s) = %q, %v; want %q", c.in, c.region, got, err, c.want)
			}
		})
	}
}

func TestSetDefaultRegionRefusesUnknown(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"", "XX", "cameroon"} {
		if err := SetDefaultRegion(r); err == nil {
			t.Errorf("SetDefaultRegion(%q) accepted", r)
		}
	}
	if currentRegion() != DefaultRegion {
		t.Fatalf("a refused region changed the default to %q", currentRegion())
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"+237670000001", "670000001", "00237 670 000 001", "(+33) 6-12", "+1800FLOWERS", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("error %v does not wrap ErrInvalidAddress", err)
			}
			return
		}
		again, err := ParseAddress(string(a))
		if err != nil || again != a {
			t.Fatalf("ParseAddress(%q) = %q, which parses to %q, %v", s, a, again, err)
		}
	})
}

func TestMasked(t *testing.T) {
	t.Parallel()
	if got := Address("+237670000001").Masked(); got != "+237*******01" {
		t.Fatalf("Masked = %q", got)
	}
}

func BenchmarkParseAddress(b *testing.B) {
	for _, in := range []string{"+237670000001", "670000001"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ParseAddress(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
