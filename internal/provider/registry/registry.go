// Package registry lists the providers Passerelle can be reached by and
// sends through. It is the one place, beside each provider's own package,
// that names them: adding a route is a package under internal/provider/
// and a line here.
package registry

import (
	"log/slog"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/jasmin"
	"github.com/passerelle/passerelle/internal/provider/kannel"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
)

// Log is the name of the route when no provider sends: messages are only
// logged.
const Log = "log"

// Factories are every provider, in the order of the README's settings
// table.
func Factories() []provider.Factory {
	return []provider.Factory{africastalking.Factory, twilio.Factory,
		jasmin.Factory,
		kannel.Factory,
	}
}

// Settings are every provider's settings, in Factories' order.
func Settings() []provider.Setting {
	var out []provider.Setting
	for _, f := range Factories() {
		out = append(out, f.Settings...)
	}
	return out
}

// Set is the configured providers and the one that sends SMS.
type Set struct {
	// Providers are those configured (a Factory's Load gave one).
	Providers []provider.Provider
	// SMS names the provider that sends, or Log.
	SMS string
}

// Load builds every configured provider from e and picks the one that
// sends: choice (PASSERELLE_SMS_PROVIDER) when given, else the only one
// able to, else Log. Bad values are reported through e.Bad.
func Load(e provider.Env, choice string) Set {
	var set Set
	for _, f := range Factories() {
		if p := f.Load(e); p != nil {
			set.Providers = append(set.Providers, p)
		}
	}
	set.SMS = set.pick(e, strings.ToLower(choice))
	return set
}

// pick chooses the sending provider.
func (s Set) pick(e provider.Env, choice string) string {
	const env = "PASSERELLE_SMS_PROVIDER"
	senders := s.senders()
	switch {
	case choice == Log:
		return Log
	case choice != "":
		if !known(choice) {
			e.Bad(env, "want %s or %s", strings.Join(names(), ", "), Log)
			return Log
		}
		if !contains(senders, choice) {
			e.Bad(env, "%s is chosen but its sending settings are not set", choice)
		}
		return choice
	case len(senders) > 1:
		e.Bad(env, "%s are configured to send: choose one", strings.Join(senders, " and "))
		return Log
	case len(senders) == 1:
		return senders[0]
	}
	return Log
}

// senders names the providers that can send, sorted.
func (s Set) senders() []string {
	var out []string
	for _, p := range s.Providers {
		if p.Sender() != nil {
			out = append(out, p.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Routes are every configured provider's webhooks.
func (s Set) Routes() []provider.Route {
	var out []provider.Route
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
func (s Set) Get(name string) (provider.Provider, bool) {
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

// names are the providers' names.
func names() []string {
	var out []string
	for _, f := range Factories() {
		out = append(out, f.Name)
	}
	return out
}

func known(name string) bool { return contains(names(), name) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
