package africastalking

import (
	"net/url"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestFormatUSSD(t *testing.T) {
	t.Parallel()
	cases := []struct {
		r    msg.Reply
		want string
	}{
		{msg.Reply{Messages: []string{"Menu\n1. A"}}, "CON Menu\n1. A"},
		{msg.Reply{Messages: []string{"Merci"}, End: true}, "END Merci"},
		{msg.Reply{End: true}, "END "},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := FormatUSSD(c.r); got != c.want {
				t.Fatalf("FormatUSSD = %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseUSSDCopiesAndNormalises(t *testing.T) {
	t.Parallel()
	body := []byte("sessionId=ATUid_9&serviceCode=%2A384%2A123%23&phoneNumber=%2B237+670+000+001&networkCode=62401&text=1%2AJean%2ADupont")
	in, err := ParseUSSD(body, time.Unix(5, 0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x' // the caller's buffer is reused, as fasthttp does
	}
	if in.From != "+237670000001" || in.Text != "1*Jean*Dupont" || in.Session != "ATUid_9" || in.To != "*384*123#" || in.Channel != msg.USSD {
		t.Fatalf("inbound %+v", in)
	}
}

// TestParseUSSDNumberForms: the number as a local route may send it reaches
// the flows in one E.164 form, so one person keeps one conversation.
func TestParseUSSDNumberForms(t *testing.T) {
	t.Parallel()
	for _, phone := range []string{"+237670000001", "237670000001", "00237670000001", "670000001", "670 00 00 01", "(+237) 670-000-001"} {
		t.Run(phone, func(t *testing.T) {
			form := "sessionId=ATUid_9&serviceCode=%2A384%23&networkCode=62401&text=&phoneNumber=" + url.QueryEscape(phone)
			in, err := ParseUSSD([]byte(form), time.Unix(5, 0))
			if err != nil {
				t.Fatalf("ParseUSSD: %v", err)
			}
			if in.From != "+237670000001" {
				t.Fatalf("From = %q, want +237670000001", in.From)
			}
		})
	}
}

// BenchmarkParseUSSD: one callback body as Africa's Talking sends it.
func BenchmarkParseUSSD(b *testing.B) {
	body := []byte("sessionId=ATUid_1&serviceCode=%2A384%2A123%23&phoneNumber=%2B237670000001&networkCode=62401&text=1%2A2")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseUSSD(body, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}
