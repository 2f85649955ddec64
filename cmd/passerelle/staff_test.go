package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestStaffAdd: `passerelle staff add` reads the password from stdin, hashes
// it with argon2id, stores the account and an audit entry; it refuses a
// short password, a bad role, a name taken, and the embedded store.
func TestStaffAdd(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	env := envOf(map[string]string{"PASSERELLE_REDIS_URL": redistest.URL(), "PASSERELLE_REDIS_PREFIX": prefix,
		"PASSERELLE_SECRET": "staff-test-secret-0123456789", "PASSERELLE_USSD_OPEN": "true"})
	const pw = "a long password 123"
	add := func(stdin string, env func(string) string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := staffCommand(context.Background(), append([]string{"add"}, args...), env, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	for _, c := range []struct {
		label, stdin string
		env          func(string) string
		args         []string
		want         int
		says         string
	}{
		{"created", pw + "\n", env, []string{"-name", "amina", "-role", "admin"}, 0, "created"},
		{"name taken", pw + "\n", env, []string{"-name", "amina", "-role", "viewer"}, 1, "already exists"},
		{"short password", "short\n", env, []string{"-name", "bob", "-role", "viewer"}, 2, "at least 12"},
		{"bad role", pw + "\n", env, []string{"-name", "bob", "-role", "boss"}, 2, "-role"},
		{"bad name", pw + "\n", env, []string{"-name", "bob smith", "-role", "viewer"}, 2, "-name"},
		{"no password flag", pw + "\n", env, []string{"-name", "bob", "-role", "viewer", "-password", pw}, 2, "-password"},
		{"embedded store", pw + "\n", noEnv, []string{"-name", "bob", "-role", "viewer"}, 2, "PASSERELLE_REDIS_URL"},
	} {
		t.Run(c.label, func(t *testing.T) {
			code, out, errs := add(c.stdin, c.env, c.args...)
			if code != c.want || !strings.Contains(out+errs, c.says) {
				t.Fatalf("exit %d, want %d; output %q %q", code, c.want, out, errs)
			}
			if strings.Contains(out+errs, pw) {
				t.Fatal("the password is echoed")
			}
		})
	}
	s := redisstore.New(rdb, prefix)
	a, err := s.StaffAccount(context.Background(), "amina")
	if err != nil || a.Role != msg.Administrator {
		t.Fatalf("amina %+v %v", a, err)
	}
	if ok, err := console.VerifyPassword(pw, a.Hash); !ok || err != nil || !strings.HasPrefix(a.Hash, "$argon2id$") {
		t.Fatalf("stored hash %q does not verify: %v", a.Hash, err)
	}
	if _, err := s.StaffAccount(context.Background(), "bob"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("bob was created: %v", err)
	}
	es, _ := s.AuditEntries(context.Background(), "", 5)
	if len(es) != 1 || es[0].Fields["action"] != "staff_add" || es[0].Fields["name"] != "amina" {
		t.Fatalf("audit %+v", es)
	}
	if code, _, errs := runCmd(t, "staff", "remove"); code != 2 || !strings.Contains(errs, "usage") {
		t.Fatalf("staff remove: %d %q", code, errs)
	}
}
