package genericussd

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// wire is one configuration as an aggregator speaks it: the request of a
// hop and how to read a screen and its end back.
type wire struct {
	vals map[string]string
	// request returns the method, target and body of the hop after
	// answers, and the body's content type.
	request func(session string, phone msg.Address, answers []string) (method, target, body, ctype string)
	// screen reads an answer: the screen and whether the session ends.
	screen func(tb testing.TB, body string) (string, bool)
}

// wires are the configurations the registration is walked through.
var wires = map[string]wire{
	"get-query-latest": {vals: getQuery,
		request: func(session string, phone msg.Address, answers []string) (string, string, string, string) {
			input := ""
			if len(answers) > 0 {
				input = answers[len(answers)-1]
			}
			v := url.Values{"sessionid": {session}, "msisdn": {string(phone[1:])}, "shortcode": {"*415#"},
				"input": {input}, "seq": {strconv.Itoa(len(answers) + 1)}}
			return "GET", Path + tok + "&" + v.Encode(), "", "-"
		},
		screen: textScreen},
	"post-json-ussd-string": {vals: postJSON,
		request: func(session string, phone msg.Address, answers []string) (string, string, string, string) {
			b, _ := json.Marshal(map[string]string{"session": session, "msisdn": string(phone), "code": "*415#",
				"ussd": "*" + strings.Join(append([]string{"415"}, answers...), "*") + "#"})
			return "POST", Path + tok, string(b), "application/json"
		},
		screen: func(tb testing.TB, body string) (string, bool) {
			var a struct {
				Message  string `json:"message"`
				Continue *bool  `json:"continueSession"`
			}
			if err := json.Unmarshal([]byte(body), &a); err != nil || a.Continue == nil {
				tb.Fatalf("answer %q: %v", body, err)
			}
			return a.Message, !*a.Continue
		}},
	"post-form-cumulative": {vals: defaults,
		request: func(session string, phone msg.Address, answers []string) (string, string, string, string) {
			v := url.Values{"sessionId": {session}, "phoneNumber": {string(phone[4:])}, "serviceCode": {"*415#"},
				"text": {strings.Join(answers, "*")}}
			return "POST", Path + tok, v.Encode(), ""
		},
		screen: textScreen},
}

// textScreen reads a CON/END answer.
func textScreen(tb testing.TB, body string) (string, bool) {
	tb.Helper()
	switch {
	case strings.HasPrefix(body, "CON "):
		return body[4:], false
	case strings.HasPrefix(body, "END "):
		return body[4:], true
	}
	tb.Fatalf("answer %q is neither CON nor END", body)
	return "", false
}

// TestRegistration walks the whole registration through the real web
// server, in French and in English, in each worked configuration: every
// screen but the last goes on, the last ends.
func TestRegistration(t *testing.T) {
	t.Parallel()
	n := 0
	for name, w := range wires {
		for _, r := range providertest.Registrations {
			n++
			phone := msg.Address(fmt.Sprintf("+2376700008%02d", n))
			t.Run(name+"/"+string(r.Lang), func(t *testing.T) {
				t.Parallel()
				s := newServer(t, w.vals)
				session := "reg-" + string(r.Lang)
				ended := false
				screens := r.Walk(t, func(answers []string) string {
					if ended {
						t.Fatal("a hop after the session ended")
					}
					method, target, body, ct := w.request(session, phone, answers)
					st, out, _ := s.Do(t, providertest.Request(method, target, body, ctypeOf(ct), nil))
					if st != 200 {
						t.Fatalf("hop %d: %d %q", len(answers), st, out)
					}
					var screen string
					screen, ended = w.screen(t, out)
					return screen
				})
				if !ended {
					t.Fatal("the last screen does not end the session")
				}
				s.CheckRegistered(t, r, phone, screens)
			})
		}
	}
}

// ctypeOf is the content type a wire names ("-": none, "": a form).
func ctypeOf(ct string) string {
	switch ct {
	case "-":
		return ""
	case "":
		return "application/x-www-form-urlencoded"
	}
	return ct
}
