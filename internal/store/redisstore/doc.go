// Package redisstore keeps every Passerelle key and Lua script: conversations,
// the hop dedupe cache, remembered languages and registrations with their
// staff indexes. It implements chat.Store.
//
// # Key layout
//
// Every key starts with the configured prefix (for example "psl:"). A
// person's keys share the Redis Cluster hash tag {<PersonID>} (written {p}
// below); every key shared between people carries the one hash tag {g}, so
// that what a shared script touches is one slot. Phone numbers never appear in key names:
// people are named by their PersonID (a keyed hash of the number). The
// dedupe name is hashed without a key: callers must not build it from a
// phone number alone (provider message or session ids are fine).
//
//	conv:{p}                string "<version>:<state>"      TTL Change.StateTTL
//	person:{p}              string: the language             TTL 400 days, refreshed on write
//	dd:{p}                  hash <h> → cached reply          TTL Change.DedupeTTL, refreshed
//	                        (h = first 16 bytes of SHA-256 of the dedupe name, hex)
//	quota:{p}               hash <name>:<window> → count     TTL end of the latest window
//	fx:{p}, fxn:{p}         on a Cluster only: the person's effects log and its
//	                        sequence (split.go); fxa:{g}:<p> the last applied
//	optout:{g}              set of PersonIDs who sent STOP (kept through erasure)
//	obp:{g}:<p>             hash of the person's unsettled outbox message ids
//	ob:{g}:<lane>, obm:{g}:<id>, obdelay:{g}:<lane>, obdead:{g},
//	obpid:{g}:<pv>:<pid>, obstats:{g}
//	                        the outbox (see outbox.go)
//	audit:{g}               stream of staff reads and changes (who, when, what)
//	reg:{g}:<ref>           hash ref, person, phone, lang, channel, created, a.<answer>…
//	regp:{g}                hash person → ref (one registration per person)
//	regs:{g}                sorted set of refs scored by created unix ms
//	idx:{g}:<name>:<v>      set of refs per indexed value (lang, region, situation, sector)
//	regstream:{g}           stream, one entry per new registration (no name, no phone)
//	cb…:{g}, camp…:{g}, sub:{g}, cr:{g}:<p>, crp:{g}:<p>, stats:{g}
//	                        call-backs (callback.go), campaigns (campaign.go), counts
//
// layout:{g} records the key layout ("2": this one). Layout 1 gave each
// family of shared keys a tag of its own ({reg}, {cb}, {opt}, {ob}, {camp},
// {sub}, {stats}, {audit}) and kept obp, cr and crp under the person's tag;
// Store.MigrateLayout renames such keys (each only if its old name exists
// and its new one does not) and then sets the marker, after which it costs
// one GET. A key found under both names is set aside as layout1:<old name>
// for 30 days and logged by kind (an empty new stream, as OutboxInit makes,
// gives way to the old one instead).
//
// # Round trips
//
// Load is one pipeline of plain reads (with an SMS's flood limit: Redis's
// clock and the limiter's state, decided by the gateway, flood.go) and
// Commit one script call (EVALSHA, falling back to EVAL once after a
// server restart), so a hop costs two round trips, on one node and on a
// Cluster. Plain reads cost Redis a few microseconds where a script costs
// tens. On one node or Sentinel the hops in flight at the same moment share
// their round trips (batch.go), and staff's funnel is counted in the
// process (funnel.go).
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
// On one node or behind Sentinel, Commit writes a person's keys and the
// shared keys of the hop's effects in one script: all or nothing. On a
// Redis Cluster the two tags live in different slots and no script may
// touch both, so the store commits split (split.go): the person's script
// writes the state and logs the shared effects in the person's slot, then
// a script in {g} applies the log in order and once; RepairEffects applies
// what a stopped gateway left. Open (or New over a ClusterClient) chooses
// the split commit; WithSplitCommit forces it on one node for tests. The
// other scripts touch one slot each; the outbox's begin reads the person's
// conversation apart (sessionTTLs), on every topology. SCAN walks every master (forEachNode).
package redisstore
