package provider

import (
	"log/slog"

	"github.com/passerelle/passerelle/internal/sender"
)

// Log is the name of the route when no provider sends: messages are only
// logged.
const Log = "log"

// Set is the configured providers and the one that sends SMS.
type Set struct {
	// Providers are those configured (a Factory's Load gave one).
	Providers []Provider
	// SMS names the provider that sends, or Log.
	SMS string
}

// Routes are every configured provider's webhooks.
func (s Set) Routes() []Route {
	var out []Route
	for _, p := range s.Providers {
		out = append(out, p.Routes()...)
	}
	return out
}

// Sender returns the sender of the chosen provider, or a Log sender
// writing to log when none sends.
func (s Set) Sender(log *slog.Logger) (sender.Sender, string) {
	for _, p := range s.Providers {
		if p.Name() == s.SMS && p.Sender() != nil {
			return p.Sender(), s.SMS
		}
	}
	log.Warn("no SMS provider: outbound SMS are only logged, never sent")
	return sender.NewLog(log), Log
}

// Get returns the configured provider called name.
func (s Set) Get(name string) (Provider, bool) {
	for _, p := range s.Providers {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

// LogNotices writes what every provider says about itself at start-up.
func (s Set) LogNotices(log *slog.Logger) {
	for _, p := range s.Providers {
		for _, n := range p.Notices() {
			if n.Warn {
				log.Warn(n.Text, "provider", p.Name())
			} else {
				log.Info(n.Text, "provider", p.Name())
			}
		}
	}
	log.Info("sms sent through", "provider", s.SMS)
}
