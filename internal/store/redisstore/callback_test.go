package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestCallbacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p1, p2 := person(50), person(51)
	for i, c := range []msg.Callback{
		{Ref: "CB1", Person: p1, Phone: "+237670000050", Lang: msg.French, Region: "est", Topic: "support", Created: at},
		{Ref: "CB2", Person: p2, Phone: "+237670000051", Lang: msg.English, Created: at.Add(time.Minute)},
		{Ref: "CB3", Person: p1, Phone: "+237670000050", Lang: msg.French, Created: at.Add(2 * time.Minute)},
	} {
		if err := s.SaveCallback(ctx, c); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	if err := s.SaveCallback(ctx, msg.Callback{Ref: "CB1", Person: p2, Created: at}); !errors.Is(err, msg.ErrRefTaken) {
		t.Fatalf("duplicate ref: %v", err)
	}
	open, total, err := s.Callbacks(ctx, false, 0, 10)
	if err != nil || total != 3 || len(open) != 3 || open[0].Ref != "CB3" || open[2].Phone != "+237670000050" || open[2].Region != "est" {
		t.Fatalf("open %+v %d %v", open, total, err)
	}
	if err := s.CloseCallback(ctx, "CB2", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseCallback(ctx, "NOPE", at); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("close unknown: %v", err)
	}
	open, total, _ = s.Callbacks(ctx, false, 0, 10)
	all, totalAll, _ := s.Callbacks(ctx, true, 0, 10)
	if total != 2 || len(open) != 2 || totalAll != 3 || all[1].Done.IsZero() {
		t.Fatalf("after close: open %d, all %d %+v", total, totalAll, all)
	}
	// Erasure removes the person's requests and leaves the others.
	if err := s.DeletePerson(ctx, p1); err != nil {
		t.Fatal(err)
	}
	all, totalAll, _ = s.Callbacks(ctx, true, 0, 10)
	if totalAll != 1 || all[0].Ref != "CB2" {
		t.Fatalf("after erasure: %+v", all)
	}
	for _, k := range scanKeys(t, rdb, prefix) {
		if strings.Contains(k, "CB1") || strings.Contains(k, "CB3") {
			t.Fatalf("key %s left", k)
		}
		if v := rdb.HGetAll(ctx, k).Val(); len(v) > 0 {
			for f, x := range v {
				if strings.Contains(f+x, string(p1)) || strings.Contains(x, "670000050") {
					t.Fatalf("%s still names the person", k)
				}
			}
		}
	}
}

func TestRegistrationOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(52)
	if _, err := s.RegistrationOf(ctx, p); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("err %v", err)
	}
	if err := s.Commit(ctx, p, msg.Change{State: []byte("s"), Registration: registration(52, "REG52", time.Now())}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.RegistrationOf(ctx, p); err != nil || r.Ref != "REG52" {
		t.Fatalf("%+v %v", r, err)
	}
}
