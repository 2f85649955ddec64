package main

import (
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/twilio"
)

// twilioOf is the Twilio configuration c loaded (zero when Twilio is off).
func twilioOf(c Config) twilio.Config {
	p, _ := c.Providers.Get(twilio.Provider)
	tc, _ := twilio.ConfigOf(p)
	return tc
}

// atOf is the Africa's Talking configuration c loaded.
func atOf(c Config) africastalking.Config {
	p, _ := c.Providers.Get(africastalking.Provider)
	ac, _ := africastalking.ConfigOf(p)
	return ac
}
