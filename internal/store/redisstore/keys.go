package redisstore

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/passerelle/passerelle/internal/msg"
)

// keyspace builds key names. The fixed parts are computed once.
type keyspace struct {
	prefix    string
	reg       string // prefix + "reg:{g}:"    + ref
	regp      string // hash person → ref
	idx       string // prefix + "idx:{g}:"    + name + ":" + value
	regs      string // all registrations
	stream    string // registration events
	filterTmp string // scratch set of Registrations, written and deleted in one MULTI
}

func newKeyspace(prefix string) keyspace {
	return keyspace{
		prefix:    prefix,
		reg:       prefix + "reg:{g}:",
		regp:      prefix + "regp:{g}",
		idx:       prefix + "idx:{g}:",
		regs:      prefix + "regs:{g}",
		stream:    prefix + "regstream:{g}",
		filterTmp: prefix + "tmp:{g}:filter",
	}
}

// person returns the keys of one person: conv, person and dd (the hash of
// cached replies to provider retries, one field per message), cut from one
// string (hop) to spare allocations on the hot path.
func (k keyspace) person(p msg.PersonID) (conv, person, dd string) {
	var ks [kCount]string
	k.hop(p, false, &ks)
	return ks[kConv], ks[kLang], ks[kDD]
}

// ddField names a dedupe name's field in the dd hash: the first 16 bytes of
// its SHA-256, in hex, so that it can be any length. The name is hashed
// from a stack buffer (a longer one grows onto the heap): the load and the
// commit of every SMS hop call it, and its one allocation is the field.
func ddField(dedupe string) string {
	if dedupe == "" {
		return ""
	}
	var buf [128]byte
	var h [32]byte
	sum := sha256.Sum256(append(buf[:0], dedupe...))
	hex.Encode(h[:], sum[:16])
	return string(h[:])
}

func (k keyspace) registration(ref string) string { return k.reg + ref }

func (k keyspace) index(name, value string) string { return k.idx + name + ":" + value }

// hop fills the key names a hop's load reads (loadOp.k): the person's
// conv, person (language), dd and quota keys, and for an SMS its campaign
// reply window and flood limit, cut from one string. It is where the
// person's own keys are named; quota, campWindow and flood name theirs
// alike for the other callers (TestHopKeys holds them equal).
func (k keyspace) hop(p msg.PersonID, sms bool, out *[kCount]string) {
	ps := string(p)
	var all string
	if sms {
		all = k.prefix + "conv:{" + ps + "}" + k.prefix + "person:{" + ps + "}" + k.prefix + "dd:{" + ps + "}" +
			k.prefix + "quota:{" + ps + "}" + k.prefix + "cr:{g}:" + ps + "rate:" + k.prefix + "flood:{" + ps + "}"
	} else {
		all = k.prefix + "conv:{" + ps + "}" + k.prefix + "person:{" + ps + "}" + k.prefix + "dd:{" + ps + "}" +
			k.prefix + "quota:{" + ps + "}"
	}
	n := len(k.prefix) + len(ps)
	lens := [...]int{n + len("conv:{}"), n + len("person:{}"), n + len("dd:{}"), n + len("quota:{}"),
		n + len("cr:{g}:"), n + len("rate:flood:{}")}
	last := kQuota
	if sms {
		last = kFlood
	}
	at := 0
	for i := kConv; i <= last; i++ {
		out[i] = all[at : at+lens[i]]
		at += lens[i]
	}
}
