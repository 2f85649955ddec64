package chat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// The conversation state and cached replies are stored in a compact
// length-prefixed form rather than JSON: every hop reads and writes them, and
// a smaller value is cheaper in Redis's memory too.

// stateMagic starts an encoded state; a new layout takes a new magic.
const stateMagic = 'S'

var errCorrupt = errors.New("corrupt state")

// encodeState appends st's encoding to b. Answers are written in key order,
// so the same state always gives the same bytes.
func encodeState(b []byte, st *flow.State) []byte {
	b = append(b, stateMagic, 1)
	for _, s := range []string{st.Node, string(st.Lang), st.Hint, string(st.Channel), st.Session, st.Pending} {
		b = putString(b, s)
	}
	var flags byte
	if st.Resuming {
		flags |= 1
	}
	if st.Done {
		flags |= 2
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(st.Page))
	b = binary.AppendUvarint(b, uint64(st.Consumed))
	b = binary.AppendVarint(b, st.Updated)
	b = binary.AppendUvarint(b, uint64(len(st.History)))
	for _, h := range st.History {
		b = putString(b, h)
	}
	b = binary.AppendUvarint(b, uint64(len(st.Answers)))
	keys := make([]string, 0, len(st.Answers))
	for k := range st.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b = putString(b, k)
		b = putString(b, st.Answers[k])
	}
	return b
}

// decodeStateBytes reads a state written by encodeState. It returns an
// error wrapping errCorrupt for anything else, including a page or byte
// count past maxSmall, which no hop writes.
func decodeStateBytes(b []byte) (flow.State, error) {
	r := newReader(b)
	st, err := r.state()
	if err == nil && len(r.b) != 0 {
		err = fmt.Errorf("error decoding state: %w: trailing bytes", errCorrupt)
	}
	if err != nil {
		return flow.State{}, err
	}
	return st, nil
}

// state reads a state at the reader's position.
func (r *reader) state() (flow.State, error) {
	var st flow.State
	if len(r.b) < 2 || r.b[0] != stateMagic || r.b[1] != 1 {
		r.fail()
		return st, fmt.Errorf("error decoding state: %w: bad header", errCorrupt)
	}
	r.b = r.b[2:]
	var lang, ch string
	st.Node, lang, st.Hint, ch, st.Session, st.Pending = r.str(), r.str(), r.str(), r.str(), r.str(), r.str()
	st.Lang, st.Channel = msg.Lang(lang), msg.Channel(ch)
	flags := r.byte()
	st.Resuming, st.Done = flags&1 != 0, flags&2 != 0
	st.Page, st.Consumed = r.small(), r.small()
	st.Updated = r.varint()
	if n := r.count(); n > 0 {
		st.History = make([]string, n)
		for i := range st.History {
			st.History[i] = r.str()
		}
	}
	if n := r.count(); n > 0 {
		st.Answers = make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := r.str()
			st.Answers[k] = r.str()
		}
	}
	if r.err != nil {
		return flow.State{}, fmt.Errorf("error decoding state: %w", errCorrupt)
	}
	return st, nil
}

// putString appends s with its length before it.
func putString[T string | []byte](b []byte, s T) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader reads the encoding, remembering the first error. b is what is
// left to read, always a suffix of the buffer src holds as one string: a
// string read is a substring of src, not an allocation of its own (a
// hop's state holds a dozen).
type reader struct {
	b   []byte
	src string
	err error
}

// newReader reads b, copied once into a string.
func newReader(b []byte) *reader {
	return &reader{b: b, src: string(b)}
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// maxSmall bounds a page number or a count of consumed bytes: larger
// values, negative once an int on some platforms, are written by no hop.
const maxSmall = 1<<31 - 1

// small reads a page number or a byte count, failing past maxSmall.
func (r *reader) small() int {
	n := r.uvarint()
	if n > maxSmall {
		r.fail()
		return 0
	}
	return int(n)
}

// count reads a length that cannot exceed the bytes left.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	at := len(r.src) - len(r.b)
	r.b = r.b[n:]
	return r.src[at : at+n]
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.b = nil
}

// encodeReply stores a reply as 'E' or 'C' then its messages separated by
// NUL bytes (which no text holds).
func encodeReply(r msg.Reply) []byte {
	return appendReply(make([]byte, 0, replyLen(r)), r)
}

// replyLen is the length of a reply's encoding.
func replyLen(r msg.Reply) int {
	n := 1
	for _, m := range r.Messages {
		n += len(m) + 1
	}
	if len(r.Messages) > 0 {
		n-- // no NUL after the last message
	}
	return n
}

// appendReply appends a reply's encoding (encodeReply) to b.
func appendReply(b []byte, r msg.Reply) []byte {
	tag := byte('C')
	if r.End {
		tag = 'E'
	}
	b = append(b, tag)
	for i, m := range r.Messages {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, m...)
	}
	return b
}

// decodeReply reads a reply written by encodeReply, from the store's bytes
// or from a record's string (whose messages are then substrings of it).
func decodeReply[T string | []byte](b T) (msg.Reply, error) {
	if len(b) == 0 || (b[0] != 'E' && b[0] != 'C') {
		return msg.Reply{}, fmt.Errorf("error decoding reply: %w", errCorrupt)
	}
	r := msg.Reply{End: b[0] == 'E'}
	if len(b) > 1 {
		r.Messages = strings.Split(string(b[1:]), "\x00")
	}
	return r, nil
}

// record is what the store keeps of a conversation: the state, and the name
// and encoded reply (encodeReply) of the last hop (for USSD retries). The
// reply is read only when a retry comes: it stays a substring of the
// decoded record.
type record struct {
	st    flow.State
	hop   string
	reply string
}

// encodeRecord appends a record's encoding to b.
func encodeRecord(b []byte, st *flow.State, hop string, reply []byte) []byte {
	b = encodeState(b, st)
	b = putString(b, hop)
	return putString(b, reply)
}

// encodeRecordReply appends to b the encoding of a record whose reply is r:
// encodeRecord(b, st, hop, encodeReply(r)), without the reply's encoding of
// its own.
func encodeRecordReply(b []byte, st *flow.State, hop string, r msg.Reply) []byte {
	b = encodeState(b, st)
	b = putString(b, hop)
	b = binary.AppendUvarint(b, uint64(replyLen(r)))
	return appendReply(b, r)
}

// decodeRecord reads the stored conversation; none gives a zero record.
func decodeRecord(conv msg.Conversation) (record, error) {
	if conv.State == nil {
		return record{}, nil
	}
	r := newReader(conv.State)
	st, err := r.state()
	if err != nil {
		return record{}, err
	}
	rec := record{st: st, hop: r.str()}
	rec.reply = r.str()
	if r.err != nil || len(r.b) != 0 {
		return record{}, fmt.Errorf("error decoding record: %w", errCorrupt)
	}
	return rec, nil
}
