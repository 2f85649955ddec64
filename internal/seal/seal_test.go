package seal

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func key(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(b), 32)))
}

func TestSealOpenRotate(t *testing.T) {
	t.Parallel()
	k1, err := ParseKeys("k1:" + key('a'))
	if err != nil {
		t.Fatal(err)
	}
	v := k1.Seal("a.name", "Awa Moussa")
	if strings.Contains(v, "Awa") || !strings.HasPrefix(v, "enc:k1:") {
		t.Fatalf("sealed %q", v)
	}
	if v2 := k1.Seal("a.name", "Awa Moussa"); v2 == v {
		t.Fatal("two seals of one value are equal (nonce reused)")
	}
	if got, err := k1.Open("a.name", v); err != nil || got != "Awa Moussa" {
		t.Fatalf("open %q, %v", got, err)
	}
	if _, err := k1.Open("a.town", v); err == nil {
		t.Fatal("a value opened under another field")
	}
	if got, _ := k1.Open("a.name", "plain"); got != "plain" {
		t.Fatal("a plain value is not read as it is")
	}
	// Rotation: k2 seals, k1 still opens.
	k21, err := ParseKeys("k2:" + key('b') + ",k1:" + key('a'))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k21.Open("a.name", v); err != nil || got != "Awa Moussa" {
		t.Fatalf("old value after rotation: %q, %v", got, err)
	}
	if id, _ := Sealed(k21.Seal("a.name", "x")); id != "k2" {
		t.Fatalf("sealed with %q", id)
	}
	k2, _ := ParseKeys("k2:" + key('b'))
	if _, err := k2.Open("a.name", v); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("dropped key: %v", err)
	}
	tampered := v[:len(v)-2] + "AA"
	if _, err := k1.Open("a.name", tampered); err == nil {
		t.Fatal("an altered value opened")
	}
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in string }{
		{"no id", key('a')},
		{"short", "k1:" + base64.StdEncoding.EncodeToString([]byte("short"))},
		{"not base64", "k1:%%%"},
		{"twice", "k1:" + key('a') + ",k1:" + key('b')},
		{"bad id", "k 1:" + key('a')},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseKeys(c.in)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), key('a')) {
				t.Fatal("the error shows the key")
			}
		})
	}
}
