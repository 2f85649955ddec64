package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAccountsPage: an administrator adds an account (refused when the
// name is taken, the password short or typed differently), unlocks a
// locked one, and deletes one, whose session then opens nothing; never
// their own.
func TestAccountsPage(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	admin := r.client(t)
	tok := admin.mustSignin(t, "amina", adminPW)
	add := func(name, role, pw, again string) page {
		return admin.post(t, "/accounts", url.Values{"csrf": {tok}, "name": {name}, "role": {role}, "password": {pw}, "again": {again}})
	}
	for _, tt := range []struct {
		name, who, role, pw, again string
		want                       int
	}{
		{"taken", "vic", "viewer", "another-password-1", "another-password-1", http.StatusConflict},
		{"short", "awa", "viewer", "short", "short", http.StatusUnprocessableEntity},
		{"typed differently", "awa", "viewer", "another-password-1", "another-password-2", http.StatusUnprocessableEntity},
		{"bad role", "awa", "boss", "another-password-1", "another-password-1", http.StatusUnprocessableEntity},
		{"added", "awa", "caseworker", "another-password-1", "another-password-1", http.StatusSeeOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if p := add(tt.who, tt.role, tt.pw, tt.again); p.Status != tt.want {
				t.Fatalf("%d, want %d", p.Status, tt.want)
			}
		})
	}
	awa := r.client(t)
	awa.mustSignin(t, "awa", "another-password-1")
	if p := awa.get(t, "/registrations"); p.Status != http.StatusOK {
		t.Fatalf("the new caseworker: %d", p.Status)
	}

	locked := r.client(t)
	for range 3 {
		locked.signin(t, "vic", "wrong-password-000")
	}
	if p := admin.get(t, "/accounts"); !strings.Contains(p.Body, "bloqué") {
		t.Fatal("the locked account is not shown locked")
	}
	if p := admin.post(t, "/accounts/vic/unlock", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
		t.Fatalf("unlock: %d", p.Status)
	}
	locked.mustSignin(t, "vic", viewerPW)

	if p := admin.post(t, "/accounts/awa/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.Status)
	}
	if p := awa.get(t, "/registrations"); p.Status != http.StatusSeeOther {
		t.Fatalf("a deleted account's session: %d", p.Status)
	}
	if p := admin.post(t, "/accounts/amina/delete", url.Values{"csrf": {tok}}); p.Status != http.StatusConflict {
		t.Fatalf("deleting oneself: %d", p.Status)
	}
	if a := auditOf(t, r); !strings.Contains(a, "amina:staff_delete") || !strings.Contains(a, "amina:staff_unlock") || !strings.Contains(a, "amina:staff_add") {
		t.Fatalf("audit %s", a)
	}
}
