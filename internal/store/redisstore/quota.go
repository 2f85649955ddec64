package redisstore

import "github.com/passerelle/passerelle/internal/msg"

// quota:{p} is a hash of the person's quota counters, name → "<window>:<count>",
// read by Load and written by the commit of the hop that used them (so that a
// hop re-run after a lost compare-and-set counts once). A counter of a past
// window is overwritten, never added beside, so the hash stays as small as
// the number of quota names; it expires when its latest window ends.
func (k keyspace) quota(p msg.PersonID) string { return k.prefix + "quota:{" + string(p) + "}" }
