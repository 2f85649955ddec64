package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"testing"
)

// Twilio's published known-answer vector ("Validating signatures from
// Twilio", TwilioDevEd/api-snippets security/signature_validation): auth
// token 12345, this URL and these POST parameters.
const (
	kavToken = "12345"
	kavURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
)

func kavForm(caller string) url.Values {
	return url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {caller},
		"Digits":  {"1234"},
		"From":    {caller},
		"To":      {"+18005551212"},
	}
}

// sign computes a signature the way Twilio documents it, independently of
// twilio-go: HMAC-SHA1 of the URL followed by each key and value in key
// order, base64.
func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(u))
	for _, k := range keys {
		m.Write([]byte(k + form.Get(k)))
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestVerifierKnownAnswers(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier(kavToken, "https://mycompany.com")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label string
		form  url.Values
		sig   string
		want  bool
	}{
		{"docs vector (api-snippets 3.x)", kavForm("+14158675310"), "GvWf1cFY/Q7PnoempGyD5oXAezc=", true},
		{"docs vector (api-snippets 2.x)", kavForm("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"vector with another caller", kavForm("+14158675309"), "GvWf1cFY/Q7PnoempGyD5oXAezc=", false},
		{"wrong signature", kavForm("+14158675310"), "WRONG SIGNATURE", false},
		{"missing signature", kavForm("+14158675310"), "", false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if got := v.Verify("/myapp.php", "foo=1&bar=2", c.form, c.sig); got != c.want {
				t.Fatalf("Verify = %v, want %v", got, c.want)
			}
		})
	}
	// The test signer agrees with the published vector.
	if got := sign(kavToken, kavURL, kavForm("+14158675310")); got != "GvWf1cFY/Q7PnoempGyD5oXAezc=" {
		t.Fatalf("sign = %q", got)
	}
}

func TestVerifierRefuses(t *testing.T) {
	t.Parallel()
	v, err := NewVerifier("token-0123456789abcdef", "https://gw.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+237670000001"}, "Body": {"hello"}}
	good := sign("token-0123456789abcdef", "https://gw.example.org/sms/twilio", form)
	if !v.Verify("/sms/twilio", "", form, good) {
		t.Fatal("a good signature was refused")
	}
	extra := url.Values{"MessageSid": {"SM1"}, "From": {"+237670000001"}, "Body": {"hello"}, "FromCity": {"DOUALA"}}
	twice := url.Values{"MessageSid": {"SM1"}, "From": {"+237670000001"}, "Body": {"hello", "other"}}
	cases := []struct {
		label, path, query string
		form               url.Values
		sig                string
	}{
		{"other host", "/sms/twilio", "", form, sign("token-0123456789abcdef", "https://evil.example.org/sms/twilio", form)},
		{"other scheme", "/sms/twilio", "", form, sign("token-0123456789abcdef", "http://gw.example.org/sms/twilio", form)},
		{"other path", "/sms/twilio/status", "", form, good},
		{"query added", "/sms/twilio", "x=1", form, good},
		{"unsigned field added", "/sms/twilio", "", extra, good},
		{"repeated key", "/sms/twilio", "", twice, sign("token-0123456789abcdef", "https://gw.example.org/sms/twilio", twice)},
		{"other token", "/sms/twilio", "", form, sign("another-token-0123456", "https://gw.example.org/sms/twilio", form)},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if v.Verify(c.path, c.query, c.form, c.sig) {
				t.Fatal("accepted")
			}
		})
	}
	if got := v.URL("/sms/twilio/status", "mid=abc"); got != "https://gw.example.org/sms/twilio/status?mid=abc" {
		t.Fatalf("URL = %q", got)
	}
}

func TestNewVerifierNeedsToken(t *testing.T) {
	t.Parallel()
	if _, err := NewVerifier("", "https://gw.example.org"); err == nil {
		t.Error("NewVerifier accepted an empty token")
	}
}
