package msg

import (
	"errors"
	"testing"
)

func TestParseAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"+237670000001", "+237670000001", true},
		{" +237 670 000 001 ", "+237670000001", true},
		{"00237670000001", "+237670000001", true},
		{"237670000001", "", false},
		{"+0237670000001", "", false},
		{"+2376700a0001", "", false},
		{"+1234567", "", false},
		{"+1234567890123456", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
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

func TestMasked(t *testing.T) {
	t.Parallel()
	if got := Address("+237670000001").Masked(); got != "+237*******01" {
		t.Fatalf("Masked = %q", got)
	}
}
