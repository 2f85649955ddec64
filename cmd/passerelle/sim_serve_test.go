package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sim"
)

// TestSimBehavesAsServe plays the same scripts through `passerelle sim` and
// through `passerelle serve` over HTTP (the Africa's Talking USSD route and
// the Twilio SMS route, as phones reach them), and finds the same screens:
// the simulator is the application serve runs, not a copy of it. Both get
// settings that change what people see: the deployment's contact points
// and a flood limit the SMS script passes.
func TestSimBehavesAsServe(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"registration_common_fr", "registration_common_en", "cross_channel_fr", "help_en"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := startServe(t) // one person per script: a gateway each
			script := filepath.Join("..", "..", "internal", "chat", "testdata", "transcripts", name+".script")
			code, simOut, errs := runCmd(t, "sim", "-script", script, "-contacts-file", contactsFile, "-sms-flood", smsFlood)
			if code != 0 {
				t.Fatalf("sim exit %d: %s", code, errs)
			}
			f, err := os.Open(script)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var served bytes.Buffer
			h := &httpPhone{base: base, n: name}
			phone := func(a msg.Address) *sim.Phone {
				return &sim.Phone{H: h, From: a, Service: simService, Clock: sim.NewClock(simStart)}
			}
			if err := sim.Run(context.Background(), f, memo(phone), simPhone, &served); err != nil {
				t.Fatal(err)
			}
			want, got := screens(simOut), screens(served.String())
			if want != got {
				t.Fatalf("sim and serve differ.\nsim:\n%s\nserve:\n%s", want, got)
			}
			if !strings.Contains(got, "CON ") {
				t.Fatalf("no screen played:\n%s", got)
			}
		})
	}
}

// Settings both sides run with.
const (
	contactsFile = "../../deploy/contacts.yaml"
	smsFlood     = "4/1h"
)

// memo returns the same phone for a number each time, as the simulator does.
func memo(mk func(msg.Address) *sim.Phone) func(msg.Address) *sim.Phone {
	phones := map[msg.Address]*sim.Phone{}
	return func(a msg.Address) *sim.Phone {
		if p, ok := phones[a]; ok {
			return p
		}
		phones[a] = mk(a)
		return phones[a]
	}
}

// startServe runs `passerelle serve` in this process on a free port, on
// the embedded store, with the Twilio route's signature check off, and
// returns its base URL once it is ready.
func startServe(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := map[string]string{"PASSERELLE_ADDR": addr, "PASSERELLE_TWILIO_SKIP_SIGNATURE": "true", "PASSERELLE_LOG_LEVEL": "error",
		"PASSERELLE_CONTACTS_FILE": contactsFile, "PASSERELLE_SMS_FLOOD": smsFlood}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), io.Discard, io.Discard) }()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + addr
	waitReady(t, base, done)
	return base
}

// httpPhone hands a phone's messages to serve over HTTP: USSD hops to the
// Africa's Talking route, SMS to the Twilio route (whose reply is inline).
type httpPhone struct {
	base string
	n    string // sessions and message ids of one script are its own
}

func (h *httpPhone) Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	if in.Channel == msg.USSD {
		form := url.Values{"sessionId": {h.n + in.Session}, "serviceCode": {in.To}, "phoneNumber": {string(in.From)},
			"networkCode": {"62401"}, "text": {in.Text}}
		body, err := post(ctx, h.base+"/ussd/africastalking", form)
		if err != nil {
			return msg.Reply{}, err
		}
		end := strings.HasPrefix(body, "END ")
		return msg.Reply{Messages: []string{body[4:]}, End: end}, nil
	}
	form := url.Values{"MessageSid": {h.n + in.ExternalID}, "From": {string(in.From)}, "To": {in.To}, "Body": {in.Text}}
	body, err := post(ctx, h.base+"/sms/twilio", form)
	if err != nil {
		return msg.Reply{}, err
	}
	var twiml struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal([]byte(body), &twiml); err != nil {
		return msg.Reply{}, fmt.Errorf("error reading TwiML %q: %w", body, err)
	}
	return msg.Reply{Messages: twiml.Messages}, nil
}

// post posts form and returns the answer's body; anything but a 200 is an
// error.
func post(ctx context.Context, u string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		return "", fmt.Errorf("POST %s: %d %q %v", u, res.StatusCode, b, err)
	}
	return string(b), nil
}

// refs are reference codes: the simulator's are SIM001, …; serve's random.
var refs = regexp.MustCompile(`\b(SIM\d{3}|[34679ACDEFGHJKMNPQRTUVWXY]{6})\b`)

// screens keeps what a phone shows from a transcript: the lines sent and
// the screens, not the simulator's notes of actions and SMS sent, with
// reference codes blanked.
func screens(transcript string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(transcript))
	inSMS := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "  ~ "):
			continue
		case strings.HasPrefix(line, "    sms to "):
			inSMS = true
			continue
		case inSMS:
			// An SMS sent ends with its cost line "    (… SMS)".
			if strings.HasPrefix(line, "    (") && strings.HasSuffix(line, ")") {
				inSMS = false
			}
			continue
		}
		b.WriteString(refs.ReplaceAllString(line, "REF"))
		b.WriteByte('\n')
	}
	return b.String()
}
