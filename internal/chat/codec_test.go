package chat

import (
	"reflect"
	"testing"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []flow.State{
		{},
		{Node: "registration:name", Lang: msg.French, Channel: msg.USSD, Session: "ATUid_1", Consumed: 7, Updated: 1764000000, Page: 1},
		{Node: "main:menu", Resuming: true, Done: true, Hint: "common.invalid_choice", Updated: -5,
			History: []string{"main:language", "main:menu"}, Answers: map[string]string{"name": "Awa*Moussa", "region": "centre", "empty": ""}},
	}
	for _, st := range cases {
		t.Run(st.Node, func(t *testing.T) {
			got, err := decodeStateBytes(encodeState(nil, &st))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, st) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, st)
			}
		})
	}
}

func TestReplyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range []msg.Reply{{Messages: []string{"CON\nx"}}, {Messages: []string{"a", "b"}, End: true}, {End: true}} {
		got, err := decodeReply(encodeReply(r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip %+v: %+v, %v", r, got, err)
		}
	}
	if _, err := decodeReply([]byte("X")); err == nil {
		t.Fatal("bad reply accepted")
	}
}

// FuzzDecodeState: stored bytes are ours, but a corrupt value must give an
// error, never a panic, and whatever decodes must encode back the same.
func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(nil, &flow.State{Node: "a:b", Answers: map[string]string{"k": "v"}, History: []string{"x"}}))
	f.Add([]byte("S\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeStateBytes(b)
		if err != nil {
			return
		}
		again, err := decodeStateBytes(encodeState(nil, &st))
		if err != nil || !reflect.DeepEqual(again, st) {
			t.Fatalf("re-encoding changed the state: %+v vs %+v (%v)", again, st, err)
		}
	})
}

func BenchmarkStateCodec(b *testing.B) {
	st := flow.State{Node: "registration:town", Lang: msg.French, Channel: msg.USSD, Session: "ATUid_123456789", Consumed: 30, Updated: 1764000000,
		History: []string{"main:language", "main:menu", "registration:consent", "registration:name", "registration:sex", "registration:age"},
		Answers: map[string]string{"lang": "fr", "name": "Awa Moussa", "sex": "female", "age": "25-34", "situation": "migrant", "origin": "NG", "region": "centre"}}
	b.ReportAllocs()
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = encodeState(buf[:0], &st)
		if _, err := decodeStateBytes(buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes")
}

// TestDecodedStateOwnsItsStrings: the strings of a decoded state are read
// out of one copy of the stored bytes, never out of the bytes themselves
// (a caller may reuse them): writing over the input leaves the state as
// it was.
func TestDecodedStateOwnsItsStrings(t *testing.T) {
	st := flow.State{Node: "registration:town", Lang: msg.French, Channel: msg.USSD, Session: "S1",
		History: []string{"main:menu"}, Answers: map[string]string{"name": "Awa"}}
	buf := encodeRecord(nil, &st, "hop1", []byte("reply"))
	rec, err := decodeRecord(msg.Conversation{State: buf})
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	if rec.st.Node != st.Node || rec.st.Session != "S1" || rec.st.History[0] != "main:menu" || rec.st.Answers["name"] != "Awa" ||
		rec.hop != "hop1" || string(rec.reply) != "reply" {
		t.Fatalf("decoded record changed with its input: %+v", rec)
	}
}
