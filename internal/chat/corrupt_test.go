package chat_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// fresh matches a stored conversation record: a version, then a state.
var fresh = regexp.MustCompile(`^[1-9][0-9]*:S\x01`)

// record writes a conversation record the way the service's codec lays it
// out (codec.go): a state on node, then an empty hop name and reply.
func record(node, lang, channel, session string, page, consumed uint64) string {
	b := []byte{'S', 1}
	for _, s := range []string{node, lang, "", channel, session, ""} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, 0) // flags
	b = binary.AppendUvarint(b, page)
	b = binary.AppendUvarint(b, consumed)
	b = binary.AppendVarint(b, 0)  // updated
	b = binary.AppendUvarint(b, 0) // history
	b = binary.AppendUvarint(b, 0) // answers
	return string(append(b, 0, 0)) // hop name and reply
}

// TestCorruptStateStartsAfresh: a conversation record that cannot be read
// (no version, a version and undecodable state, or a state no hop writes)
// is dropped and logged under the person's keyed hash: the person gets the
// first screen, not the apology, and the record is replaced by the new
// state, which the next hop reads.
func TestCorruptStateStartsAfresh(t *testing.T) {
	t.Parallel()
	// huge reads as a negative int: a page or a count of consumed bytes
	// no hop writes.
	const huge = 1<<64 - 1
	values := []struct {
		label string
		value func(ch msg.Channel, session string) string
	}{
		{"no version", func(msg.Channel, string) string { return "garbage" }},
		{"version and garbage", func(msg.Channel, string) string { return "7:<garbage>" }},
		{"version and a truncated state", func(msg.Channel, string) string { return "7:S\x01\x05abc" }},
		{"leading zeros", func(msg.Channel, string) string { return "007:<garbage>" }},
		{"negative version", func(msg.Channel, string) string { return "-3:<garbage>" }},
		{"huge version", func(msg.Channel, string) string { return "123456789012345678901234567890:<garbage>" }},
		{"empty", func(msg.Channel, string) string { return "" }},
		{"negative page", func(ch msg.Channel, session string) string {
			return "3:" + record("main:menu", "fr", string(ch), session, huge, 0)
		}},
		{"negative consumed", func(ch msg.Channel, session string) string {
			return "3:" + record("main:menu", "fr", string(ch), session, 0, huge)
		}},
	}
	ctx := context.Background()
	n := 0
	for _, v := range values {
		for _, ch := range []msg.Channel{msg.USSD, msg.SMS} {
			n++
			from := msg.Address(fmt.Sprintf("+2376760000%02d", n))
			t.Run(v.label+" "+string(ch), func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				h := apptest.New(t, slog.New(slog.NewTextHandler(&logs, nil)))
				p := h.Hasher.Person(from)
				key := h.Prefix + "conv:{" + string(p) + "}"
				session := "sms"
				if ch == msg.USSD {
					session = "SIM-" + strings.TrimPrefix(string(from), "+") + "-1" // the phone's first dial
				}
				value := v.value(ch, session)
				if err := h.Redis.Set(ctx, key, value, time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				ph := h.Phone(from)
				var r msg.Reply
				var err error
				if ch == msg.SMS {
					r, err = ph.SMS(ctx, "bonjour")
				} else {
					r, err = ph.Dial(ctx)
				}
				if err != nil || r.End || len(r.Messages) != 1 || !strings.HasPrefix(r.Messages[0], "Bienvenue / Welcome") {
					t.Fatalf("first hop on a corrupt record: %+v, %v; want the first screen", r, err)
				}
				raw, err := h.Redis.Get(ctx, key).Result()
				if err != nil || raw == value || !fresh.MatchString(raw) {
					t.Fatalf("stored %q (%v), want the new state under a version", raw, err)
				}
				conv, err := h.Store.Load(ctx, p, "")
				if err != nil || conv.Version < 1 {
					t.Fatalf("Load after the hop: %+v, %v", conv, err)
				}
				if value != "" {
					l := logs.String()
					if !strings.Contains(l, "dropping unreadable conversation state") || !strings.Contains(l, "person="+string(p)) {
						t.Errorf("the corrupt record was not logged with the person's keyed hash:\n%s", l)
					}
					if strings.Contains(l, strings.TrimPrefix(string(from), "+")) {
						t.Errorf("the log holds the phone number:\n%s", l)
					}
				}
				// The new state is read back: choosing French shows the menu.
				if ch == msg.SMS {
					r, err = ph.SMS(ctx, "1")
				} else {
					r, err = ph.Answer(ctx, "1")
				}
				if err != nil || len(r.Messages) != 1 || !strings.HasPrefix(r.Messages[0], "Passerelle MINPMEESA-OIM") {
					t.Fatalf("second hop: %+v, %v", r, err)
				}
			})
		}
	}
}
