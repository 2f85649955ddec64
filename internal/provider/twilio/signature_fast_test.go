package twilio

import (
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// twilioGoAccepts is what twilio-go's RequestValidator says of a request,
// the reference Verify must agree with.
func twilioGoAccepts(token, base, path, query string, form url.Values, sig string) bool {
	if sig == "" {
		return false
	}
	params, ok := Params(form)
	if !ok {
		return false
	}
	rv := client.NewRequestValidator(token)
	return rv.Validate(WebhookURL(base, path, query), params, sig)
}

// TestVerifySameAsTwilioGo checks Verify against twilio-go's validator on
// bases with and without ports and path prefixes, plain and unusual paths
// and queries, and signatures over each form of the URL twilio-go accepts
// and over others.
func TestVerifySameAsTwilioGo(t *testing.T) {
	t.Parallel()
	const token = "token-0123456789abcdef"
	bases := []string{
		"https://gw.example.org", "https://gw.example.org:443", "https://gw.example.org:8443", "http://gw.example.org",
		"http://gw.example.org:80", "http://127.0.0.1:8091", "https://gw.example.org/prefix", "https://gw.example.org:9/a/b",
		"https://GW.Example.org", "HTTPS://gw.example.org", "https://[::1]:8443", "https://[::1]", "https://gw.example.org/a%20b",
		"https://gw.example.org/%7Eme", "https://gw.example.org/a+b",
	}
	paths := []string{"/sms/twilio", "/sms/twilio/status", "/sms//twilio", "/sms/tw%69lio", "/sms/twi lio", "/é", "/a;b", "/a:b"}
	queries := []string{"", "mid=abc", "mid=a%20b&x=1", "mid=a#b", "mid=a b", "a=1;b=2", "mid=%zz"}
	forms := []url.Values{
		{"MessageSid": {"SM1"}, "From": {"+237670000001"}, "Body": {"hello"}},
		{"MessageSid": {"SM1"}, "From": {"+237670000001"}, "Body": {"a", "b"}},
		{"": {"x"}, "Body": {"é&="}},
		{},
	}
	n := 0
	for _, base := range bases {
		v, err := NewVerifier(token, base)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if v.alt == "" && base != "https://[::1]" && base != "https://[::1]:8443" && base != "HTTPS://gw.example.org" {
			t.Errorf("%s: no fast path", base)
		}
		for _, path := range paths {
			for _, q := range queries {
				for _, form := range forms {
					u := WebhookURL(v.base, path, q)
					sigs := []string{"", "nope", sign(token, u, form), sign(token, otherForm(u), form),
						sign(token, u+"x", form), sign("another-token-0123", u, form)}
					for _, sig := range sigs {
						got, want := v.Verify(path, q, form, sig), twilioGoAccepts(token, v.base, path, q, form, sig)
						if got != want {
							t.Errorf("base %q path %q query %q form %v sig %q: Verify %v, twilio-go %v", base, path, q, form, sig, got, want)
						}
						if got {
							n++
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing accepted")
	}
}

// FuzzVerify checks Verify against twilio-go's validator on arbitrary
// paths, queries and one form field, signed over the URL or its other form.
func FuzzVerify(f *testing.F) {
	f.Add("https://gw.example.org", "/sms/twilio", "", "Body", "hello", uint8(0))
	f.Add("http://127.0.0.1:8091", "/sms/twilio/status", "mid=1", "From", "+237", uint8(1))
	f.Add("https://gw.example.org/p", "/x%41", "a#b", "", "", uint8(2))
	const token = "token-0123456789abcdef"
	f.Fuzz(func(t *testing.T, base, path, q, k, val string, which uint8) {
		v, err := NewVerifier(token, base)
		if err != nil {
			return
		}
		form := url.Values{k: {val}, "MessageSid": {"SM1"}}
		u := WebhookURL(v.base, path, q)
		var sig string
		switch which % 3 {
		case 0:
			sig = sign(token, u, form)
		case 1:
			sig = sign(token, otherForm(u), form)
		default:
			sig = sign(token, u+"/", form)
		}
		if got, want := v.Verify(path, q, form, sig), twilioGoAccepts(token, v.base, path, q, form, sig); got != want {
			t.Fatalf("base %q path %q query %q: Verify %v, twilio-go %v", v.base, path, q, got, want)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	v, err := NewVerifier(kavToken, "http://127.0.0.1:8091")
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"},
		"From": {"+237670000001"}, "To": {"+237699000000"}, "Body": {"Jean Dupont"}, "NumMedia": {"0"}}
	sig := sign(kavToken, "http://127.0.0.1:8091/sms/twilio", form)
	b.ReportAllocs()
	for b.Loop() {
		if !v.Verify("/sms/twilio", "", form, sig) {
			b.Fatal("refused")
		}
	}
}
