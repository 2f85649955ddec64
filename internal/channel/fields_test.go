package channel

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

var fieldKeys = []string{"sessionId", "serviceCode", "phoneNumber", "networkCode", "text"}

// sameAsParseQuery checks Fields against url.ParseQuery, Values.Get and
// Require's missing keys on body.
func sameAsParseQuery(t *testing.T, body string) {
	t.Helper()
	vals := make([]string, len(fieldKeys))
	missing, err := Fields(body, fieldKeys, vals)
	form, perr := url.ParseQuery(body)
	if (err != nil) != (perr != nil) {
		t.Fatalf("%q: Fields error %v, ParseQuery error %v", body, err, perr)
	}
	if err != nil {
		return
	}
	var want []string
	for i, k := range fieldKeys {
		if vals[i] != form.Get(k) {
			t.Fatalf("%q: %s = %q, ParseQuery gives %q", body, k, vals[i], form.Get(k))
		}
		if len(form[k]) == 0 {
			want = append(want, k)
		}
	}
	if !slices.Equal(missing, want) {
		t.Fatalf("%q: missing %v, want %v", body, missing, want)
	}
}

func TestFieldsSameAsParseQuery(t *testing.T) {
	cases := map[string]string{
		"Africa's Talking":     "sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B237670000001&networkCode=62401&text=1%2A2",
		"first hop":            "sessionId=S&serviceCode=*384%23&phoneNumber=%2B237670000001&networkCode=62401&text=",
		"missing text":         "sessionId=S&serviceCode=1&phoneNumber=2&networkCode=3",
		"empty body":           "",
		"repeated key":         "text=a&text=b&sessionId=1",
		"escaped key":          "session%49d=S&te%78t=a+b",
		"plus in value":        "text=a+b+c",
		"semicolon":            "text=a;b&sessionId=S",
		"semicolon elsewhere":  "x=1;2&text=a",
		"bad escape in value":  "text=%zz",
		"bad escape elsewhere": "x=%4&text=a",
		"bad escape in key":    "%g1=1&text=a",
		"escape at the end":    "text=ab%",
		"empty pairs":          "&&text=a&&",
		"no equals":            "text&sessionId",
		"equals in value":      "text=a=b",
		"empty key":            "=x&text=a",
		"utf-8 escaped":        "text=%C3%A9",
		"invalid utf-8":        "text=%FF",
		"many pairs":           strings.Repeat("x=1&", 70) + "text=a",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { sameAsParseQuery(t, body) })
	}
}

func FuzzFields(f *testing.F) {
	for _, s := range []string{
		"sessionId=ATUid_1&serviceCode=%2A384%23&phoneNumber=%2B237670000001&networkCode=62401&text=1%2A2",
		"text=a;b", "text=%zz", "te%78t=a+b", "&&=&text", "x=%4", strings.Repeat("a=1&", 65),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { sameAsParseQuery(t, body) })
}

func BenchmarkFields(b *testing.B) {
	body := "sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B237670000001&networkCode=62401&text=1%2A2"
	vals := make([]string, len(fieldKeys))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fields(body, fieldKeys, vals); err != nil {
			b.Fatal(err)
		}
	}
}
