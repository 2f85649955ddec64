package msg

import (
	"hash/maphash"
	"sync"
)

// seenMax bounds the numbers e164Seen remembers: past it, it starts afresh.
const seenMax = 1 << 16

// e164Seen remembers the E.164 strings parseE164 accepted, so that the
// next hops of the same person (a USSD session is several hops from one
// number within a minute) skip the parse, a tenth of a hop's CPU even once.
// It keeps no number: only two 64-bit keyed hashes of each, with seeds
// drawn when the process starts and never stored, so that neither a
// collision (about 2^-128 a lookup) nor memory read elsewhere gives a
// number back. parseE164's answer for a string does not depend on the
// region, so one answer serves every caller.
var e164Seen = newSeenSet()

func newSeenSet() *seenSet {
	return &seenSet{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, m: make(map[[2]uint64]struct{})}
}

type seenSet struct {
	seeds [2]maphash.Seed
	mu    sync.RWMutex
	m     map[[2]uint64]struct{}
}

func (s *seenSet) key(x string) [2]uint64 {
	return [2]uint64{maphash.String(s.seeds[0], x), maphash.String(s.seeds[1], x)}
}

// has tells whether x was added (and not forgotten since).
func (s *seenSet) has(x string) bool {
	k := s.key(x)
	s.mu.RLock()
	_, ok := s.m[k]
	s.mu.RUnlock()
	return ok
}

// add remembers x.
func (s *seenSet) add(x string) {
	k := s.key(x)
	s.mu.Lock()
	if len(s.m) >= seenMax {
		clear(s.m)
	}
	s.m[k] = struct{}{}
	s.mu.Unlock()
}
