package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/metrics"
)

// healthcheck runs `passerelle healthcheck [-addr ADDR] [-path /readyz]`: it
// asks the gateway (or a worker's health listener) on this machine whether
// it is up, for a container's HEALTHCHECK where no curl exists. It reads only
// PASSERELLE_ADDR (or -addr), so it needs no secret, and exits 0 on a 200.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := getenv("PASSERELLE_ADDR")
	if def == "" {
		def = ":8080"
	}
	addr := fs.String("addr", def, "address the process listens on ($PASSERELLE_ADDR)")
	path := fs.String("path", "/readyz", "path to ask: /readyz (ready for traffic) or /healthz (alive)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "passerelle healthcheck: bad address %q\n", *addr)
		return 2
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+*path, nil)
	if err != nil {
		fmt.Fprintf(stderr, "passerelle healthcheck: %v\n", err)
		return 2
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "passerelle healthcheck: %v\n", err)
		return 1
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "passerelle healthcheck: %s answered %d\n", *path, res.StatusCode)
		return 1
	}
	return 0
}

// pinger tells whether the store answers.
type pinger interface {
	Ping(ctx context.Context) error
}

// serveWorkerHealth serves a worker's /healthz, /readyz (Redis answers
// within a second) and /metrics on addr until ctx ends. It returns the
// listener's error, or nil once shut down.
func serveWorkerHealth(ctx context.Context, addr string, store pinger, met *metrics.Metrics, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	mux.Handle("GET /metrics", met.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("worker health and metrics listening", "addr", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("error serving worker health: %w", err)
	}
	return nil
}
