package chat

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// referenceEncodeReply and referenceEncodeRecord are the encodings as first
// written: stored bytes must stay these.
func referenceEncodeReply(r msg.Reply) []byte {
	tag := byte('C')
	if r.End {
		tag = 'E'
	}
	b := []byte{tag}
	for i, m := range r.Messages {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, m...)
	}
	return b
}

func referenceEncodeRecord(st *flow.State, hop string, reply []byte) []byte {
	b := encodeState(nil, st)
	for _, s := range []string{hop, string(reply)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// recordReplies are replies of every shape: none, empty messages, several,
// and one whose length takes a two-byte varint.
var recordReplies = []struct {
	name string
	r    msg.Reply
}{
	{"no message", msg.Reply{}},
	{"ending, no message", msg.Reply{End: true}},
	{"one empty message", msg.Reply{Messages: []string{""}}},
	{"two empty messages", msg.Reply{Messages: []string{"", ""}}},
	{"menu", msg.Reply{Messages: []string{"Bienvenue\n1. Inscription\n2. Infos"}}},
	{"several", msg.Reply{Messages: []string{"a", "bc", "déf"}, End: true}},
	{"long", msg.Reply{Messages: []string{strings.Repeat("x", 200), strings.Repeat("é", 100)}}},
}

var recordState = flow.State{Node: "main:menu", Lang: msg.French, Channel: msg.USSD, Session: "ATUid_1", Updated: 1764000000,
	History: []string{"main:language"}, Answers: map[string]string{"region": "centre"}}

// TestRecordEncodingSameAsReference: replies and records written without
// the intermediate copies are the bytes they always were, and read back.
func TestRecordEncodingSameAsReference(t *testing.T) {
	t.Parallel()
	for _, c := range recordReplies {
		t.Run(c.name, func(t *testing.T) {
			want := referenceEncodeReply(c.r)
			enc := encodeReply(c.r)
			if !bytes.Equal(enc, want) || replyLen(c.r) != len(want) {
				t.Fatalf("encodeReply = %q (replyLen %d), want %q", enc, replyLen(c.r), want)
			}
			wantRec := referenceEncodeRecord(&recordState, "0123456789abcdef", want)
			if got := encodeRecord(nil, &recordState, "0123456789abcdef", enc); !bytes.Equal(got, wantRec) {
				t.Fatalf("encodeRecord = %q, want %q", got, wantRec)
			}
			if got := encodeRecordReply(nil, &recordState, "0123456789abcdef", c.r); !bytes.Equal(got, wantRec) {
				t.Fatalf("encodeRecordReply = %q, want %q", got, wantRec)
			}
			rec, err := decodeRecord(msg.Conversation{State: wantRec})
			if err != nil || rec.hop != "0123456789abcdef" || rec.reply != string(want) {
				t.Fatalf("decodeRecord: %+v, %v", rec, err)
			}
			fromRecord, err := decodeReply(rec.reply)
			if err != nil {
				t.Fatal(err)
			}
			fromBytes, err := decodeReply(want)
			if err != nil || !reflect.DeepEqual(fromRecord, fromBytes) {
				t.Fatalf("decodeReply of the record's string %+v, of the bytes %+v (%v)", fromRecord, fromBytes, err)
			}
		})
	}
	if got, want := encodeRecord(nil, &recordState, "", nil), referenceEncodeRecord(&recordState, "", nil); !bytes.Equal(got, want) {
		t.Fatalf("record without a reply: %q, want %q", got, want)
	}
}

// TestRecordCodecAllocs: writing a record into a buffer large enough
// allocates nothing (the reply is written in place), and reading one
// costs the reader's one copy of the bytes and the state's History and
// Answers, the reply a substring of that copy.
func TestRecordCodecAllocs(t *testing.T) {
	r := msg.Reply{Messages: []string{strings.Repeat("Bienvenue\n", 12)}}
	enc := encodeReply(r)
	buf := make([]byte, 0, 1024)
	cases := []struct {
		name string
		f    func()
		want float64
	}{
		{"encodeRecord", func() { encodeRecord(buf[:0], &flow.State{Node: "main:menu"}, "0123456789abcdef", enc) }, 0},
		{"encodeRecordReply", func() { encodeRecordReply(buf[:0], &flow.State{Node: "main:menu"}, "0123456789abcdef", r) }, 0},
		{"encodeReply", func() { encodeReply(r) }, 1},
		{"decodeRecord", func() {
			if _, err := decodeRecord(msg.Conversation{State: encodeRecord(buf[:0], &flow.State{Node: "main:menu"}, "h", enc)}); err != nil {
				t.Fatal(err)
			}
		}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, c.f); n != c.want {
				t.Fatalf("%v allocations, want %v", n, c.want)
			}
		})
	}
}
