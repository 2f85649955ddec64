package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// stalled answers a hop only once its context has ended, as a hop whose
// store does not answer does, and keeps that context.
type stalled struct {
	ctx  chan context.Context
	wait bool
}

func (s *stalled) Handle(ctx context.Context, _ msg.Inbound) (msg.Reply, error) {
	s.ctx <- ctx
	if !s.wait {
		return msg.Reply{Messages: []string{"menu"}}, nil
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
	}
	return msg.Reply{Messages: []string{"sorry"}, End: true}, errors.New("store unavailable")
}

// TestHopTimeout: a hop's context ends at HopTimeout, so that a hop whose
// store stalls is answered (the apology) within the provider's wait, and
// a hop's context ends when the hop has been answered.
func TestHopTimeout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		wait bool
		body string
		err  error
	}{
		{"stalled", true, "END sorry", context.DeadlineExceeded},
		{"answered", false, "CON menu", context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conv := &stalled{ctx: make(chan context.Context, 1), wait: tc.wait}
			srv := web.New(web.Config{Conversations: conv, Log: apptest.Discard(), HopTimeout: 150 * time.Millisecond,
				Routes: []provider.Route{providertest.USSDRoute()}})
			start := time.Now()
			resp, err := srv.App().Test(postForm(providertest.USSDPath, ussdForm("S1", "+237670000001", "").Encode()), -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("answered after %v", took)
			}
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), tc.body) {
				t.Fatalf("%d %q, want %q", resp.StatusCode, body, tc.body)
			}
			ctx := <-conv.ctx
			if d, ok := ctx.Deadline(); !ok || d.Before(start) || d.After(start.Add(time.Second)) {
				t.Fatalf("deadline %v %v", d, ok)
			}
			if !errors.Is(ctx.Err(), tc.err) {
				t.Fatalf("the hop's context after the hop: %v, want %v", ctx.Err(), tc.err)
			}
		})
	}
}
