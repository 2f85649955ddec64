package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/passerelle/passerelle/internal/content"
)

// lint checks the flows and locales and prints every problem. It returns 1
// when there is any, 0 otherwise.
func lint(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, _, err := loadConfig("lint", args, getenv)
	if err != nil {
		return configError(stderr, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, l := contentFS(cfg)
	c, err := content.Load(f, l, log)
	if err != nil {
		fmt.Fprintln(stderr, "passerelle lint:", err)
		return 1
	}
	probs := c.Check(cfg.USSDBudget)
	for _, p := range probs {
		fmt.Fprintln(stdout, p.String())
	}
	if len(probs) > 0 {
		fmt.Fprintf(stdout, "%d problems\n", len(probs))
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d flows, %d nodes, %d messages per language, every USSD page within %d characters\n",
		len(c.Set.Flows), len(c.Set.Keys()), len(c.Catalog.IDs("fr")), cfg.USSDBudget)
	return 0
}
