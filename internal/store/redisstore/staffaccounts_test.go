package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestStaffAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, a := range []msg.StaffAccount{
		{Name: "zoe", Role: msg.Viewer, Hash: "h1", Created: at},
		{Name: "amina", Role: msg.Administrator, Hash: "h2", Created: at},
	} {
		if err := s.CreateStaff(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateStaff(ctx, msg.StaffAccount{Name: "zoe", Role: msg.Viewer, Hash: "h3"}); !errors.Is(err, msg.ErrStaffExists) {
		t.Fatalf("a second zoe: %v", err)
	}
	if err := s.CreateStaff(ctx, msg.StaffAccount{Name: "x", Role: "boss", Hash: "h"}); err == nil {
		t.Fatal("an unknown role was accepted")
	}
	a, err := s.StaffAccount(ctx, "amina")
	if err != nil || a.Role != msg.Administrator || a.Hash != "h2" || !a.Created.Equal(at) {
		t.Fatalf("amina: %+v %v", a, err)
	}
	if _, err := s.StaffAccount(ctx, "nobody"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("nobody: %v", err)
	}
	all, err := s.StaffAccounts(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "amina" || all[1].Role != msg.Viewer || all[0].Hash != "" {
		t.Fatalf("accounts %+v %v", all, err)
	}
	if err := s.DeleteStaff(ctx, "zoe"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStaff(ctx, "zoe"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("deleting zoe twice: %v", err)
	}
	if all, _ := s.StaffAccounts(ctx); len(all) != 1 {
		t.Fatalf("after deleting zoe: %+v", all)
	}
	for _, k := range scanKeys(t, rdb, prefix) {
		if want := "{staff}"; !strings.Contains(k, want) {
			t.Errorf("key %s lacks the hash tag %s", k, want)
		}
	}
}

func TestStaffSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	now := time.Now()
	if err := s.CreateStaffSession(ctx, "abc", msg.StaffSession{Name: "amina", CSRF: "tok", Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.StaffSession(ctx, "abc", now)
	if err != nil || got.Name != "amina" || got.CSRF != "tok" {
		t.Fatalf("session %+v %v", got, err)
	}
	if ttl := rdb.TTL(ctx, prefix+"staffsess:{staff}:abc").Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("ttl %v: want the session's lifetime", ttl)
	}
	tests := []struct {
		name string
		id   string
		now  time.Time
	}{
		{"expired", "abc", now.Add(time.Hour)},
		{"unknown", "nope", now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.StaffSession(ctx, tt.id, tt.now); !errors.Is(err, msg.ErrNotFound) {
				t.Fatalf("got %v, want ErrNotFound", err)
			}
		})
	}
	if err := s.DeleteStaffSession(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StaffSession(ctx, "abc", now); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("after sign-out: %v", err)
	}
}

func TestStaffFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	for i := 1; i <= 3; i++ {
		n, err := s.StaffFailure(ctx, "amina", 15*time.Minute)
		if err != nil || n != i {
			t.Fatalf("failure %d: %d %v", i, n, err)
		}
	}
	if ttl := rdb.TTL(ctx, prefix+"stafffail:{staff}:amina").Val(); ttl <= 0 || ttl > 15*time.Minute {
		t.Fatalf("ttl %v: want the lock-out", ttl)
	}
	if n, err := s.StaffFailures(ctx, "amina"); err != nil || n != 3 {
		t.Fatalf("failures %d %v", n, err)
	}
	if err := s.ClearStaffFailures(ctx, "amina"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.StaffFailures(ctx, "amina"); err != nil || n != 0 {
		t.Fatalf("after clearing: %d %v", n, err)
	}
}

func TestCallbackAssignAndNote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if err := s.SaveCallback(ctx, msg.Callback{Ref: "CB1", Person: person(1), Phone: phone(1), Lang: msg.French, Created: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignCallback(ctx, "CB1", "amina"); err != nil {
		t.Fatal(err)
	}
	open, total, err := s.Callbacks(ctx, false, 0, 10)
	if err != nil || total != 1 || open[0].Assignee != "amina" {
		t.Fatalf("open %+v %d %v", open, total, err)
	}
	if err := s.CloseCallbackNote(ctx, "CB1", "called, wants training", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, _, _ := s.Callbacks(ctx, true, 0, 10)
	_, openN, _ := s.Callbacks(ctx, false, 0, 10)
	if openN != 0 || len(all) != 1 || all[0].Note != "called, wants training" || !all[0].Done.Equal(at.Add(time.Hour)) {
		t.Fatalf("after done: open %d, all %+v", openN, all)
	}
	for _, ref := range []string{"NOPE"} {
		if err := s.AssignCallback(ctx, ref, "x"); !errors.Is(err, msg.ErrNotFound) {
			t.Errorf("assign %s: %v", ref, err)
		}
		if err := s.CloseCallbackNote(ctx, ref, "x", at); !errors.Is(err, msg.ErrNotFound) {
			t.Errorf("close %s: %v", ref, err)
		}
	}
}
