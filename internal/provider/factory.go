package provider

import "net/http"

// Setting is one configuration value of a provider: an environment
// variable and the command-line flag that mirrors it.
type Setting struct {
	Env, Flag, Default, Usage string
	// Secret settings never show their value: not in -h, not in errors.
	Secret bool
}

// Factory builds one provider from its settings.
type Factory struct {
	// Name is the provider's name (Provider.Name).
	Name string
	// Sends tells that it can send SMS (once its credentials are set), so
	// that PASSERELLE_SMS_PROVIDER may name it; a USSD-only route cannot.
	Sends bool
	// Settings are its own settings, in the order of the README's table.
	Settings []Setting
	// Load reads and checks its settings through env, reporting each bad
	// value with env.Bad (naming the setting, never quoting a secret), and
	// returns the provider, or nil when none of its settings is given (it
	// is off: no route, no sender).
	Load func(env Env) Provider
}

// Env is what a Factory reads its settings from, with the settings every
// provider shares, already checked.
type Env struct {
	// Get returns a setting's value, trimmed ("" when not set).
	Get func(env string) string
	// Bad reports a bad value of the setting env.
	Bad func(env, format string, a ...any)
	// PublicURL is the scheme, host and optional path prefix under which
	// providers reach the gateway (PASSERELLE_PUBLIC_URL), without a
	// trailing slash; empty when not set. Delivery-report callback URLs
	// are built on it.
	PublicURL string
	// Production tells that people's data is kept (a Redis URL is set):
	// a route without its secret must then be asked for explicitly.
	Production bool
	// TestSystem is PASSERELLE_TEST_SYSTEM: this gateway is a test system,
	// where a check may be turned off beside a Redis URL.
	TestSystem bool
	// Serving tells that the process serves HTTP (serve); a worker only
	// sends, so a route's own requirements do not apply to it.
	Serving bool
	// SMSProvider is the provider PASSERELLE_SMS_PROVIDER names (lower
	// case; empty when none is named): the one chosen says which of its
	// sending settings are missing.
	SMSProvider string
	// HTTPClient, when set, sends the providers' API requests (tests
	// point it at local fakes through the API URL settings instead).
	HTTPClient *http.Client
}

// Need reports env as required when value is empty, saying why.
func (e Env) Need(env, value, why string) {
	if value == "" {
		e.Bad(env, "required %s", why)
	}
}

// WithDefaults returns get, with each of settings' defaults for a setting
// get leaves empty (the command line applies them the same way).
func WithDefaults(settings []Setting, get func(string) string) func(string) string {
	def := make(map[string]string, len(settings))
	for _, s := range settings {
		def[s.Env] = s.Default
	}
	return func(env string) string {
		if v := get(env); v != "" {
			return v
		}
		return def[env]
	}
}
