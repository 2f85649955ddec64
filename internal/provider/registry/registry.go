// Package registry lists the providers Passerelle can be reached by and
// sends through. It is the one place, beside each provider's own package,
// that names them: adding a route is a package under internal/provider/
// and a line here.
package registry

import (
	"slices"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/genericussd"
	"github.com/passerelle/passerelle/internal/provider/hubtel"
	"github.com/passerelle/passerelle/internal/provider/jasmin"
	"github.com/passerelle/passerelle/internal/provider/kannel"
	"github.com/passerelle/passerelle/internal/provider/twilio"
)

// Log is the name of the route when no provider sends (provider.Log).
const Log = provider.Log

// Factories are every provider, in the order of the README's settings
// table.
func Factories() []provider.Factory {
	return []provider.Factory{
		africastalking.Factory,
		twilio.Factory,
		hubtel.Factory,
		genericussd.Factory,
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

// Load builds every configured provider from e and picks the one that
// sends: choice (PASSERELLE_SMS_PROVIDER) when given, else the only one
// able to, else Log. Bad values are reported through e.Bad.
func Load(e provider.Env, choice string) provider.Set {
	var set provider.Set
	e.SMSProvider = strings.ToLower(choice)
	for _, f := range Factories() {
		if p := f.Load(e); p != nil {
			set.Providers = append(set.Providers, p)
		}
	}
	set.SMS = pick(set, e, strings.ToLower(choice))
	return set
}

// pick chooses the sending provider.
func pick(s provider.Set, e provider.Env, choice string) string {
	const env = "PASSERELLE_SMS_PROVIDER"
	senders := senders(s)
	switch {
	case choice == Log:
		return Log
	case choice != "":
		if !known(choice) {
			e.Bad(env, "want %s or %s (the routes that send SMS)", strings.Join(Senders(), ", "), Log)
			return Log
		}
		if !slices.Contains(senders, choice) {
			// Its own checks named what is missing, when it knows it is
			// chosen; this says it in any case: nothing may be "sent" to
			// the log while the operator believes it leaves.
			e.Bad(env, "%s is chosen but is not configured to send: set its send settings", choice)
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
func senders(s provider.Set) []string {
	var out []string
	for _, p := range s.Providers {
		if p.Sender() != nil {
			out = append(out, p.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Senders are the names of the providers that can send SMS, in
// Factories' order.
func Senders() []string {
	var out []string
	for _, f := range Factories() {
		if f.Sends {
			out = append(out, f.Name)
		}
	}
	return out
}

func known(name string) bool { return slices.Contains(Senders(), name) }
