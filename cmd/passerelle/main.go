// Command passerelle is the Passerelle SMS/USSD gateway.
//
//	passerelle [serve] [flags]   serve HTTP (the default), with outbox workers
//	passerelle worker [flags]    send the outbox's messages and run campaigns (no HTTP)
//	passerelle healthcheck       ask the local gateway's /readyz (a container HEALTHCHECK)
//	passerelle reseal            seal every registration again with the current encryption key
//	passerelle campaign VERB     create, preview, start, pause, resume, cancel, watch campaigns on a running gateway
//	passerelle lint [flags]      check flows and locales; non-zero exit on any problem
//	passerelle staff add         create a staff console account (the password is read from stdin)
//	passerelle sim [flags]       try the flows in a terminal (interactive or -script FILE)
//
// Every flag mirrors a PASSERELLE_… environment variable; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/passerelle/passerelle/internal/logctx"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneGC(os.Getenv)
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main with its dependencies passed in; it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, _, err := loadConfig("serve", args, getenv)
		if err != nil {
			return configError(stderr, err)
		}
		log := newLogger(stderr, cfg)
		if err := serve(ctx, cfg, log); err != nil {
			log.Error("passerelle stopped", "err", err)
			return 1
		}
		return 0
	case "worker":
		cfg, _, err := loadConfig("worker", args, getenv)
		if err != nil {
			return configError(stderr, err)
		}
		log := newLogger(stderr, cfg)
		if err := work(ctx, cfg, log); err != nil {
			log.Error("passerelle worker stopped", "err", err)
			return 1
		}
		return 0
	case "healthcheck":
		return healthcheck(ctx, args, getenv, stderr)
	case "reseal":
		cfg, _, err := loadConfig("reseal", args, getenv)
		if err != nil {
			return configError(stderr, err)
		}
		log := newLogger(stderr, cfg)
		if err := reseal(ctx, cfg, log); err != nil {
			log.Error("passerelle reseal failed", "err", err)
			return 1
		}
		return 0
	case "campaign":
		return campaign(ctx, args, getenv, stdout, stderr)
	case "lint":
		return lint(args, getenv, stdout, stderr)
	case "staff":
		return staffCommand(ctx, args, getenv, os.Stdin, stdout, stderr)
	case "sim":
		return simulate(ctx, args, getenv, os.Stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: passerelle [serve|worker|campaign|reseal|healthcheck|lint|sim] [flags]; passerelle serve -h lists the settings")
		return 0
	}
	fmt.Fprintf(stderr, "passerelle: unknown command %q (want serve, worker, campaign, reseal, healthcheck, lint or sim)\n", cmd)
	return 2
}

func configError(w io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(w, "passerelle: bad configuration:\n%v\n", err)
	return 2
}

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(logctx.Handler(slog.NewTextHandler(w, opts)))
	}
	return slog.New(logctx.Handler(slog.NewJSONHandler(w, opts)))
}
