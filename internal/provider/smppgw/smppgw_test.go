package smppgw

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/sender"
)

func TestForm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, raw string
		wantReason string // "" accepted
	}{
		{"plain", "id=1&from=%2B237670000001", ""},
		{"repeated unnamed key", "id=1&x=1&x=2", ""},
		{"repeated named key", "id=1&id=2", "repeated field: id"},
		{"repeated empty value", "id=&id=", "repeated field: id"},
		{"malformed", "id=%zz", "malformed form"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			form, err := Form(c.raw, "id", "from")
			if c.wantReason == "" {
				if err != nil {
					t.Fatalf("Form: %v", err)
				}
				return
			}
			e, ok := channel.AsError(err)
			if !ok || e.Status != 400 || e.Reason != c.wantReason || form != nil {
				t.Fatalf("Form = %v, %v; want 400 %q", form, err, c.wantReason)
			}
		})
	}
}

func TestUTF16BE(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "Bonjour", "Ça coûte 5 €, d’accord ?", "emoji 🙂 ok", "ꙮ"} {
		got, err := DecodeUTF16BE(EncodeUTF16BE(s), "text")
		if err != nil || got != s {
			t.Errorf("round trip of %q = %q, %v", s, got, err)
		}
	}
	if got := EncodeUTF16BE("é🙂"); string(got) != "\x00\xe9\xd8\x3d\xde\x42" {
		t.Errorf("EncodeUTF16BE = % x", got)
	}
	if _, err := DecodeUTF16BE([]byte{0, 'a', 0}, "text"); err == nil || !strings.Contains(err.Error(), "text is not UCS-2") {
		t.Errorf("odd length: %v", err)
	}
	if got, _ := DecodeUTF16BE([]byte{0xd8, 0x3d, 0, 'a'}, "text"); got != "\ufffda" {
		t.Errorf("unpaired surrogate: %q", got)
	}
}

func TestCallback(t *testing.T) {
	t.Parallel()
	c, err := NewCallback("https://gw.example.org/p", "/sms/jasmin/dlr", "tok-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, extra, want string
		ok              bool
	}{
		{"0a1b2c", "", "https://gw.example.org/p/sms/jasmin/dlr?token=tok-0123456789abcdef&mid=0a1b2c", true},
		{"m-42", "type=%d", "https://gw.example.org/p/sms/jasmin/dlr?token=tok-0123456789abcdef&mid=m-42&type=%d", true},
		{"a b", "", "", false},
		{"a%41", "", "", false},
		{"", "", "", false},
		{strings.Repeat("a", 129), "", "", false},
	}
	for _, k := range cases {
		got, ok := c.For(k.id, k.extra)
		if got != k.want || ok != k.ok {
			t.Errorf("For(%q, %q) = %q, %v; want %q, %v", k.id, k.extra, got, ok, k.want, k.ok)
		}
	}
	if got, ok := (Callback{}).For("m-42", ""); ok || got != "" {
		t.Errorf("zero Callback gave %q", got)
	}
}

func TestTransportErrorDropsTheURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	_, err := http.Get(srv.URL + "/cgi-bin/sendsms?password=hunter2-secret")
	if err == nil {
		t.Fatal("a closed server answered")
	}
	e := TransportError("kannel", err)
	var se *sender.Error
	if !errors.As(error(e), &se) || !se.Retryable || se.Provider != "kannel" {
		t.Fatalf("TransportError = %+v", e)
	}
	if strings.Contains(e.Error(), "hunter2") || strings.Contains(e.Error(), "sendsms") {
		t.Fatalf("the cause quotes the URL: %v", e)
	}
}
