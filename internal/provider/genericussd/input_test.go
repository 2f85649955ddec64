package genericussd

import "testing"

func TestStripServiceCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		s, code, want string
		ok            bool
	}{
		{"*415#", "*415#", "", true},
		{"*415*33*1#", "*415#", "33*1", true},
		{"*415*33*1#", "415", "33*1", true},
		{"415*33*1", "*415#", "33*1", true},
		{"*415*33*1#", "*415*33#", "1", true},
		{"*415*Awa Moussa#", "*415#", "Awa Moussa", true},
		{"*415**#", "*415#", "*", true},
		{"*4156#", "*415#", "", false},
		{"*416*1#", "*415#", "", false},
		{"", "*415#", "", false},
		{"*415#", "", "", false},
		{"*415#", "*#", "", false},
	}
	for _, c := range cases {
		t.Run(c.s+" "+c.code, func(t *testing.T) {
			t.Parallel()
			got, ok := StripServiceCode(c.s, c.code)
			if got != c.want || ok != c.ok {
				t.Fatalf("StripServiceCode(%q, %q) = %q, %v; want %q, %v", c.s, c.code, got, ok, c.want, c.ok)
			}
		})
	}
}
