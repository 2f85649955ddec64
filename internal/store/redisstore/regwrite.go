package redisstore

import (
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Indexed answer names, in the order the commit script expects them. A test
// checks they match msg.Indexed.
const (
	ansRegion    = "region"
	ansSituation = "situation"
	ansSector    = "sector"
)

// answerPrefix starts the hash field of each answer.
const answerPrefix = "a."

// createdLayout is RFC 3339 with milliseconds, in UTC.
const createdLayout = "2006-01-02T15:04:05.000Z07:00"

// registrationArgs appends the registration's keys (4–11) and ARGV (12…) of
// the commit script. It returns errNoRef for a registration without a ref.
func (s *Store) registrationArgs(keys []string, args []any, p msg.PersonID, r *msg.Registration) ([]string, []any, error) {
	if r.Ref == "" {
		return nil, nil, errNoRef
	}
	created := r.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC()
	region, situation, sector := r.Answers[ansRegion], r.Answers[ansSituation], r.Answers[ansSector]
	keys = append(keys,
		s.keys.registration(r.Ref),
		s.keys.regp,
		s.keys.regs,
		s.keys.stream,
		s.keys.index("lang", string(r.Lang)),
		s.keys.index(ansRegion, region),
		s.keys.index(ansSituation, situation),
		s.keys.index(ansSector, sector),
	)
	args = append(args,
		r.Ref, string(p), string(r.Phone), string(r.Lang), string(r.Channel),
		created.Format(createdLayout), created.UnixMilli(),
		region, situation, sector,
		s.keys.reg, s.keys.idx, StreamMaxLen,
	)
	for k, v := range r.Answers {
		args = append(args, answerPrefix+k, v)
	}
	return keys, args, nil
}
