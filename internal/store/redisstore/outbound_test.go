package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestOutboundStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if err := s.RecordOutbound(ctx, "m1", "twilio", "SM123", at); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Status(ctx, "m1"); err != nil || st.State != msg.Sent || st.ProviderID != "SM123" {
		t.Fatalf("status %+v, %v", st, err)
	}
	for _, state := range []msg.DeliveryState{msg.Queued, msg.Sent, msg.Delivered} {
		if err := s.RecordStatus(ctx, msg.Status{ID: "m1", State: state, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordStatus(ctx, msg.Status{ID: "m2", State: msg.Undelivered, Code: "30003", At: at}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Status(ctx, "m1")
	if err != nil || st.State != msg.Delivered || st.Provider != "twilio" {
		t.Fatalf("status %+v, %v", st, err)
	}
	if st, _ := s.Status(ctx, "m2"); st.State != msg.Undelivered || st.Code != "30003" {
		t.Fatalf("unknown message status %+v", st)
	}
	if _, err := s.Status(ctx, "nope"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("err %v", err)
	}
	if err := s.RecordStatus(ctx, msg.Status{State: msg.Sent}); err == nil {
		t.Fatal("status without id accepted")
	}
}

func TestOptOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(40)
	for _, c := range []struct {
		out  bool
		want bool
	}{{true, true}, {true, true}, {false, false}, {true, true}} {
		if err := s.SetOptOut(ctx, p, c.out); err != nil {
			t.Fatal(err)
		}
		if got, err := s.OptedOut(ctx, p); err != nil || got != c.want {
			t.Fatalf("OptedOut = %v, %v; want %v", got, err, c.want)
		}
	}
	// Erasure keeps the opt-out.
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OptedOut(ctx, p); !got {
		t.Fatal("erasure lost the opt-out")
	}
}

func TestTakeQuota(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	p := person(41)
	day := time.Date(2026, 11, 2, 23, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, true, true, false, false} {
		ok, err := s.Take(ctx, p, "sms_page", 3, 24*time.Hour, day)
		if err != nil || ok != want {
			t.Fatalf("take %d = %v, %v; want %v", i, ok, err, want)
		}
	}
	// The next day starts afresh; another quota is counted apart.
	if ok, _ := s.Take(ctx, p, "sms_page", 3, 24*time.Hour, day.Add(2*time.Hour)); !ok {
		t.Fatal("new day refused")
	}
	if ok, _ := s.Take(ctx, p, "other", 1, time.Hour, day); !ok {
		t.Fatal("other quota refused")
	}
	ttl := rdb.PTTL(ctx, prefix+"quota:{"+string(p)+"}").Val()
	if ttl <= 0 || ttl > 25*time.Hour+time.Minute {
		t.Fatalf("quota ttl %v", ttl)
	}
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, k := range scanKeys(t, rdb, prefix) {
		if strings.Contains(k, string(p)) {
			t.Fatalf("key %s left after erasure", k)
		}
	}
}
