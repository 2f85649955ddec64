package providertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
)

// Loaded is what a Factory's Load made of some settings.
type Loaded struct {
	P   provider.Provider
	Bad map[string]string // setting → message
}

// Load runs f.Load on settings (trimmed; unset ones take their default)
// with the public URL public, in a process that serves HTTP.
func Load(tb testing.TB, f provider.Factory, settings map[string]string, public string) Loaded {
	tb.Helper()
	l := Loaded{Bad: map[string]string{}}
	get := provider.WithDefaults(f.Settings, func(k string) string { return strings.TrimSpace(settings[k]) })
	l.P = f.Load(provider.Env{
		Get:       get,
		Bad:       func(k, format string, a ...any) { l.Bad[k] = fmt.Sprintf(format, a...) },
		PublicURL: public,
		Serving:   true,
	})
	return l
}
