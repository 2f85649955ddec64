package africastalking_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// Test secrets: no log line may ever carry them.
const (
	atSMSToken = "at-sms-token-0123456789"
	ussdToken  = "ussd-token-0123456789abcdef"
)

// newServer returns a server with Africa's Talking's routes mounted: the
// USSD route open, the SMS routes behind atSMSToken; mod adjusts the
// configuration first.
func newServer(tb testing.TB, mod func(c *africastalking.Config)) *providertest.Server {
	tb.Helper()
	c := africastalking.Config{SMSToken: atSMSToken}
	if mod != nil {
		mod(&c)
	}
	return providertest.New(tb, africastalking.Routes(c), nil)
}

// newUSSDTokenServer returns a server whose USSD route needs ussdToken.
func newUSSDTokenServer(tb testing.TB) *providertest.Server {
	tb.Helper()
	return newServer(tb, func(c *africastalking.Config) { c.USSDToken = ussdToken })
}

// ussdForm is a USSD callback body as Africa's Talking posts it.
func ussdForm(session, phone, text string) url.Values {
	return url.Values{"sessionId": {session}, "serviceCode": {"*384*123#"}, "phoneNumber": {phone}, "networkCode": {"62401"}, "text": {text}}
}

// postForm is a form POST of body to path.
func postForm(path, body string) *http.Request {
	return providertest.Request(http.MethodPost, path, body, "application/x-www-form-urlencoded", nil)
}

// ussd posts one hop and returns status and body.
func ussd(tb testing.TB, s *providertest.Server, session, phone, text string) (int, string) {
	tb.Helper()
	st, body, _ := s.Do(tb, postForm("/ussd/africastalking", ussdForm(session, phone, text).Encode()))
	return st, body
}
