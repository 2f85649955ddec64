package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/metrics"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	env := envOf(map[string]string{"PASSERELLE_ADDR": ":" + port})
	var stderr bytes.Buffer
	if code := healthcheck(context.Background(), nil, env, &stderr); code != 0 {
		t.Fatalf("ready: exit %d %s", code, stderr.String())
	}
	status = http.StatusServiceUnavailable
	if code := healthcheck(context.Background(), nil, env, &stderr); code != 1 {
		t.Fatalf("not ready: exit %d", code)
	}
	if code := healthcheck(context.Background(), []string{"-path", "/healthz"}, env, &stderr); code != 0 {
		t.Fatalf("alive: exit %d", code)
	}
	if code := healthcheck(context.Background(), []string{"-addr", "127.0.0.1:1"}, env, &stderr); code != 1 {
		t.Fatalf("nothing listening: exit %d", code)
	}
	if code := healthcheck(context.Background(), []string{"-addr", "nonsense"}, env, &stderr); code != 2 {
		t.Fatalf("bad address: exit %d", code)
	}
}

type pingFunc func() error

func (f pingFunc) Ping(context.Context) error { return f() }

func TestWorkerHealthListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var redisDown atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- serveWorkerHealth(ctx, addr, pingFunc(func() error {
			if redisDown.Load() {
				return errors.New("down")
			}
			return nil
		}), metrics.New(), newLogger(io.Discard, Config{LogFormat: "json"}))
	}()
	get := func(path string) (int, string) {
		for i := 0; i < 50; i++ {
			res, err := http.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return res.StatusCode, string(b)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no listener on %s", addr)
		return 0, ""
	}
	if st, _ := get("/healthz"); st != 200 {
		t.Fatalf("healthz %d", st)
	}
	if st, _ := get("/readyz"); st != 200 {
		t.Fatalf("readyz %d", st)
	}
	if st, body := get("/metrics"); st != 200 || !strings.Contains(body, "passerelle_outbox_sends_total") && !strings.Contains(body, "go_goroutines") {
		t.Fatalf("metrics %d", st)
	}
	redisDown.Store(true)
	if st, _ := get("/readyz"); st != 503 {
		t.Fatalf("readyz with redis down %d", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
