// Package redisstore keeps every Passerelle key and Lua script: conversations,
// the hop dedupe cache, remembered languages and registrations with their
// staff indexes. It implements chat.Store.
//
// # Key layout
//
// Every key starts with the configured prefix (for example "psl:"). A
// person's keys share the Redis Cluster hash tag {<PersonID>}; registration
// keys share the hash tag {g}. Phone numbers never appear in key names:
// people are named by their PersonID (a keyed hash of the number). The
// dedupe name is hashed without a key: callers must not build it from a
// phone number alone (provider message or session ids are fine).
//
//	conv:{p}                string "<version>:<state>"      TTL Change.StateTTL
//	person:{p}              string: the language             TTL 400 days, refreshed on write
//	dd:{p}                  hash <h> → cached reply          TTL Change.DedupeTTL, refreshed
//	                        (h = first 16 bytes of SHA-256 of the dedupe name, hex)
//	quota:{p}               hash <name>:<window> → count     TTL end of the latest window
//	optout:{g}            set of PersonIDs who sent STOP (kept through erasure)
//	obp:{g}:<p>                 set of the person's unsettled outbox message ids
//	ob:{g}:<lane>, obm:{g}:<id>, obdelay:{g}:<lane>, obdead:{g},
//	obpid:{g}:<pv>:<pid>, obstats:{g}
//	                        the outbox (see outbox.go)
//	audit:{g}           stream of staff erasures (who, when, keyed hash)
//	reg:{g}:<ref>         hash ref, person, phone, lang, channel, created, a.<answer>…
//	regp:{g}              hash person → ref (one registration per person)
//	regs:{g}              sorted set of refs scored by created unix ms
//	idx:{g}:<name>:<v>    set of refs per indexed value (lang, region, situation, sector)
//	regstream:{g}         stream, one entry per new registration (no name, no phone)
//
// layout:{g} records the key layout ("2": this one). Layout 1 gave each
// family of shared keys a tag of its own ({reg}, {cb}, {opt}, {ob}, {camp},
// {sub}, {stats}, {audit}) and kept obp, cr and crp under the person's tag;
// Store.MigrateLayout renames such keys (each only if its old name exists
// and its new one does not) and then sets the marker, after which it costs
// one GET. A key found under both names is left in place and logged by kind,
// and the marker stays unset until an operator resolves it (an empty new
// stream, as OutboxInit makes, gives way to the old one instead).
//
// # Round trips
//
// Load is one pipeline of plain reads and Commit one script call (EVALSHA,
// falling back to EVAL once after a server restart), so a hop costs two
// round trips. Plain reads cost Redis a few microseconds where a script
// costs tens.
//
// regp is one hash rather than a string key per person: a hash field costs
// about 80 bytes against 120 for a key.
//
// The index sets are plain sets, not sorted sets: a set member costs about
// 48 bytes against 103 for a sorted-set member, which keeps a registration
// under the 1 KB budget. Order comes from regs alone: ZINTERSTORE accepts
// plain sets and keeps the regs score when the sets weigh 0.
//
// # Cluster
//
// Commit writes a person's keys and the keys of the hop's effects ({g},
// {g}, {g}, {g}) in the same script. That is atomic on one node or behind
// Sentinel. On Redis Cluster the two hash tags live in different slots and
// the script is refused: the registration write would have to be split out
// of Commit (not done). The registration scripts also derive the index keys
// of a replaced registration inside Lua; they share the {g} slot.
package redisstore
