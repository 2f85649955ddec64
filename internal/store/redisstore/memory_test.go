package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// Design budgets for Redis memory.
const (
	convBudget = 2048 // bytes per conversation in progress
	regBudget  = 1024 // bytes per stored registration
)

// TestMemoryUsage writes 1000 conversations and 1000 registrations and
// reports MEMORY USAGE per item against the design budget.
func TestMemoryUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2000 items")
	}
	t.Parallel()
	ctx := context.Background()
	// A short prefix like production's "psl:": key names count in MEMORY USAGE.
	rdb := mustClient(t)
	prefix := redistest.ShortPrefix(t, rdb)
	s := redisstore.New(rdb, prefix)
	const n = 1000
	state := []byte(strings.Repeat(`{"flow":"registration","node":"sector","answers":{"name":"Aminatou Bello"}}`, 6)[:400])
	reply := []byte("CON Secteur:\n1. Agriculture\n2. Commerce\n3. Artisanat\n4. Services\n5. Autre")
	// Five values per index so that every index set is past Redis's compact
	// encodings (128 entries), as all are at scale.
	regions := []string{"centre", "extreme-nord", "littoral", "nord-ouest", "sud-ouest"}
	situations := []string{"migrant", "returnee", "refugee", "idp"}
	sectors := []string{"agriculture", "trade", "crafts", "services", "other"}
	base := time.Now().Add(-time.Hour)
	for i := range n {
		p := person(1000 + i)
		ch := msg.Change{State: state, StateTTL: time.Hour, Lang: msg.French,
			Dedupe: fmt.Sprintf("ATUid_%08x|1*2*Jean Dupont*2", i), Reply: reply, DedupeTTL: time.Minute}
		if err := s.Commit(ctx, p, ch); err != nil {
			t.Fatal(err)
		}
		r := registration(5000+i, fmt.Sprintf("PSL-%05d", i), base.Add(time.Duration(i)*time.Second))
		r.Answers["region"] = regions[i%len(regions)]
		r.Answers["situation"] = situations[i%len(situations)]
		r.Answers["sector"] = sectors[i%len(sectors)]
		if i%3 == 0 {
			r.Lang = msg.English
		}
		if err := s.Commit(ctx, person(5000+i), msg.Change{Registration: r}); err != nil {
			t.Fatal(err)
		}
	}
	usage := map[string]int64{}
	keys := scanKeys(t, rdb, prefix)
	cmds := make([]*redis.IntCmd, len(keys))
	pipe := rdb.Pipeline()
	for i, k := range keys {
		cmds[i] = pipe.MemoryUsage(ctx, k, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		kind := strings.SplitN(strings.TrimPrefix(k, prefix), ":", 2)[0]
		usage[kind] += cmds[i].Val()
	}
	// Person keys of registrants: only conversations write person:{p} here.
	conv := float64(usage["conv"]+usage["person"]+usage["dd"]) / n
	reg := float64(usage["reg"]+usage["regp"]+usage["regs"]+usage["idx"]+usage["regstream"]) / n
	t.Logf("per conversation: %.0f B (conv %.0f, person %.0f, dd %.0f); budget %d",
		conv, float64(usage["conv"])/n, float64(usage["person"])/n, float64(usage["dd"])/n, convBudget)
	t.Logf("per registration: %.0f B (hash %.0f, regp %.0f, regs %.0f, idx %.0f, stream %.0f); budget %d",
		reg, float64(usage["reg"])/n, float64(usage["regp"])/n, float64(usage["regs"])/n,
		float64(usage["idx"])/n, float64(usage["regstream"])/n, regBudget)
	if conv > convBudget {
		t.Errorf("a conversation takes %.0f B, over the %d B budget", conv, convBudget)
	}
	if reg > regBudget {
		t.Errorf("a registration takes %.0f B, over the %d B budget", reg, regBudget)
	}
}
