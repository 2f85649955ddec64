package channel

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// sameFormAsParseQuery checks ParseForm against url.ParseQuery on body.
func sameFormAsParseQuery(t *testing.T, body string) {
	t.Helper()
	form, err := ParseForm(body)
	want, werr := url.ParseQuery(body)
	if (err != nil) != (werr != nil) {
		t.Fatalf("%q: ParseForm error %v, ParseQuery error %v", body, err, werr)
	}
	if err == nil && !reflect.DeepEqual(form, want) {
		t.Fatalf("%q: ParseForm gives %v, ParseQuery %v", body, form, want)
	}
}

func TestParseFormSameAsParseQuery(t *testing.T) {
	cases := map[string]string{
		"Twilio": "ToCountry=CM&SmsMessageSid=SM1&NumMedia=0&SmsSid=SM1&Body=Bonjour+%C3%A0+tous&To=%2B237699000000&" +
			"NumSegments=1&MessageSid=SM1&AccountSid=AC1&From=%2B237670000001&ApiVersion=2010-04-01",
		"empty body":           "",
		"repeated key":         "Body=a&Body=b&From=1&Body=c",
		"escaped key":          "B%6Fdy=S&Fr%6Fm=a+b",
		"plus in value":        "Body=a+b+c",
		"semicolon":            "Body=a;b&From=S",
		"semicolon elsewhere":  "x=1;2&Body=a",
		"bad escape in value":  "Body=%zz",
		"bad escape elsewhere": "x=%4&Body=a",
		"bad escape in key":    "%g1=1&Body=a",
		"escape at the end":    "Body=ab%",
		"empty pairs":          "&&Body=a&&",
		"no equals":            "Body&From",
		"equals in value":      "Body=a=b",
		"empty key":            "=x&Body=a",
		"invalid utf-8":        "Body=%FF",
		"63 pairs":             strings.Repeat("x=1&", 62) + "Body=a",
		"64 pairs":             strings.Repeat("x=1&", 63) + "Body=a",
		"many pairs":           strings.Repeat("x=1&", 70) + "Body=a",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { sameFormAsParseQuery(t, body) })
	}
}

// TestParseFormValuesApart: a key's values can grow without touching
// another key's (they share one array).
func TestParseFormValuesApart(t *testing.T) {
	form, err := ParseForm("a=1&b=2&c=3")
	if err != nil {
		t.Fatal(err)
	}
	form["a"] = append(form["a"], "x")
	form.Add("b", "y")
	if got := form.Encode(); got != "a=1&a=x&b=2&b=y&c=3" {
		t.Fatalf("form %s, want a=1&a=x&b=2&b=y&c=3", got)
	}
}

func FuzzParseForm(f *testing.F) {
	for _, s := range []string{
		"MessageSid=SM1&From=%2B237670000001&Body=a+b", "Body=a;b", "Body=%zz", "B%6Fdy=a+b", "&&=&Body",
		"x=%4", "a=1&a=2", strings.Repeat("a=1&", 65),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { sameFormAsParseQuery(t, body) })
}

func BenchmarkParseForm(b *testing.B) {
	body := "ToCountry=CM&SmsMessageSid=SM1&NumMedia=0&SmsSid=SM1&Body=Bonjour&To=%2B237699000000&" +
		"NumSegments=1&MessageSid=SM1&AccountSid=AC1&From=%2B237670000001&ApiVersion=2010-04-01"
	b.Run("ParseForm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseForm(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("url.ParseQuery", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := url.ParseQuery(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
