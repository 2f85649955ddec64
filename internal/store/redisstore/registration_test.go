package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestIndexedNames(t *testing.T) {
	t.Parallel()
	// The store's scripts index these answers by name.
	if want := []string{"region", "situation", "sector"}; !slices.Equal(msg.Indexed, want) {
		t.Fatalf("msg.Indexed = %v; the store indexes %v: update both", msg.Indexed, want)
	}
}

func TestRegistrationWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	p := person(10)
	created := time.Date(2025, 3, 1, 10, 30, 0, 123e6, time.UTC)
	reg := registration(10, "K7Q9", created)
	if err := s.Commit(ctx, p, msg.Change{Registration: reg}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Registration(ctx, "K7Q9")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(created) {
		t.Errorf("Created = %v, want %v", got.Created, created)
	}
	got.Created, reg.Created = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, *reg) {
		t.Errorf("Registration =\n%+v\nwant\n%+v", got, *reg)
	}
	ms := float64(created.UnixMilli())
	if score, err := rdb.ZScore(ctx, prefix+"regs:{g}", "K7Q9").Result(); err != nil || score != ms {
		t.Errorf("ZSCORE regs K7Q9 = %v, %v; want %v", score, err, ms)
	}
	for _, key := range []string{
		"idx:{g}:lang:fr", "idx:{g}:region:littoral",
		"idx:{g}:situation:returnee", "idx:{g}:sector:agriculture",
	} {
		if ok, err := rdb.SIsMember(ctx, prefix+key, "K7Q9").Result(); err != nil || !ok {
			t.Errorf("SISMEMBER %s K7Q9 = %v, %v", key, ok, err)
		}
	}
	if ref, _ := rdb.HGet(ctx, prefix+"regp:{g}", string(p)).Result(); ref != "K7Q9" {
		t.Errorf("regp = %q", ref)
	}
	entries, err := rdb.XRange(ctx, prefix+"regstream:{g}", "-", "+").Result()
	if err != nil || len(entries) != 1 {
		t.Fatalf("stream = %v, %v; want one entry", entries, err)
	}
	want := map[string]any{"ref": "K7Q9", "lang": "fr", "region": "littoral", "situation": "returnee",
		"sector": "agriculture", "created": "2025-03-01T10:30:00.123Z"}
	if !reflect.DeepEqual(entries[0].Values, want) {
		t.Errorf("stream entry = %v, want %v", entries[0].Values, want)
	}
	if _, err := s.Registration(ctx, "NOPE"); !errors.Is(err, msg.ErrNotFound) {
		t.Errorf("Registration(NOPE) err = %v, want ErrNotFound", err)
	}
}

func TestReRegistrationReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	p := person(11)
	if err := s.Commit(ctx, p, msg.Change{Registration: registration(11, "OLD1", time.Now())}); err != nil {
		t.Fatal(err)
	}
	again := registration(11, "NEW1", time.Now())
	again.Answers["region"], again.Lang = "ouest", msg.English
	if err := s.Commit(ctx, p, msg.Change{Registration: again}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Registration(ctx, "OLD1"); !errors.Is(err, msg.ErrNotFound) {
		t.Errorf("old registration still there: %v", err)
	}
	for _, k := range scanKeys(t, rdb, prefix) {
		var refs []string
		switch typ, _ := rdb.Type(ctx, k).Result(); typ {
		case "zset":
			refs, _ = rdb.ZRange(ctx, k, 0, -1).Result()
		case "set":
			refs, _ = rdb.SMembers(ctx, k).Result()
		default:
			continue
		}
		if slices.Contains(refs, "OLD1") {
			t.Errorf("%s still holds OLD1", k)
		}
		if n := len(refs); n == 0 {
			t.Errorf("%s left empty (Redis deletes empty sets; should not exist)", k)
		}
	}
	if n, _ := rdb.Exists(ctx, prefix+"idx:{g}:region:littoral", prefix+"idx:{g}:lang:fr").Result(); n != 0 {
		t.Errorf("old index sets still exist")
	}
	regs, total, err := s.Registrations(ctx, msg.Filter{Region: "ouest", Lang: msg.English})
	if err != nil || total != 1 || len(regs) != 1 || regs[0].Ref != "NEW1" {
		t.Fatalf("Registrations = %v, %d, %v", regs, total, err)
	}
	if n, _ := rdb.XLen(ctx, prefix+"regstream:{g}").Result(); n != 2 {
		t.Errorf("stream has %d entries, want 2", n)
	}
	// Registering again under the same ref replaces in place.
	if err := s.Commit(ctx, p, msg.Change{Registration: registration(11, "NEW1", time.Now())}); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{}); total != 1 {
		t.Errorf("total after same-ref re-registration = %d, want 1", total)
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{Region: "ouest"}); total != 0 {
		t.Errorf("stale region index after same-ref re-registration: %d", total)
	}
}

func TestRefTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	if err := s.Commit(ctx, person(12), msg.Change{Registration: registration(12, "SAME", time.Now())}); err != nil {
		t.Fatal(err)
	}
	p := person(13)
	err := s.Commit(ctx, p, msg.Change{State: []byte("s"), Lang: msg.English, Registration: registration(13, "SAME", time.Now())})
	if !errors.Is(err, msg.ErrRefTaken) {
		t.Fatalf("err = %v, want ErrRefTaken", err)
	}
	if c, _ := s.Load(ctx, p, ""); c.Version != 0 || c.Lang != "" {
		t.Errorf("the refused change was written: %+v", c)
	}
	r, err := s.Registration(ctx, "SAME")
	if err != nil || r.Person != person(12) {
		t.Errorf("registration SAME = %+v, %v; want person 12's", r, err)
	}
}

func TestRegistrationsFilterAndPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	regions := []string{"littoral", "centre", "ouest"}
	situations := []string{"returnee", "refugee"}
	var all []string // refs, oldest first
	for i := range 30 {
		r := registration(100+i, refOf(i), base.Add(time.Duration(i)*time.Minute))
		r.Answers["region"] = regions[i%3]
		r.Answers["situation"] = situations[i%2]
		if i%5 == 0 {
			r.Lang = msg.English
		}
		if err := s.Commit(ctx, person(100+i), msg.Change{Registration: r}); err != nil {
			t.Fatal(err)
		}
		all = append(all, r.Ref)
	}
	newestFirst := func(keep func(i int) bool) []string {
		var out []string
		for i := len(all) - 1; i >= 0; i-- {
			if keep(i) {
				out = append(out, all[i])
			}
		}
		return out
	}
	cases := []struct {
		name string
		f    msg.Filter
		keep func(i int) bool
	}{
		{"all", msg.Filter{}, func(int) bool { return true }},
		{"region", msg.Filter{Region: "centre"}, func(i int) bool { return i%3 == 1 }},
		{"region+situation", msg.Filter{Region: "littoral", Situation: "refugee"}, func(i int) bool { return i%3 == 0 && i%2 == 1 }},
		{"lang+sector", msg.Filter{Lang: msg.English, Sector: "agriculture"}, func(i int) bool { return i%5 == 0 }},
		{"three", msg.Filter{Lang: msg.French, Region: "ouest", Situation: "returnee"}, func(i int) bool { return i%5 != 0 && i%3 == 2 && i%2 == 0 }},
		{"none match", msg.Filter{Region: "sud"}, func(int) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := newestFirst(c.keep)
			regs, total, err := s.Registrations(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) || !slices.Equal(refs(regs), want) {
				t.Fatalf("got %v (total %d), want %v", refs(regs), total, want)
			}
		})
	}
	t.Run("paging", func(t *testing.T) {
		want := newestFirst(func(int) bool { return true })
		regs, total, err := s.Registrations(ctx, msg.Filter{Offset: 7, Limit: 5})
		if err != nil || total != 30 || !slices.Equal(refs(regs), want[7:12]) {
			t.Fatalf("page = %v (total %d, %v), want %v", refs(regs), total, err, want[7:12])
		}
		regs, _, _ = s.Registrations(ctx, msg.Filter{Offset: 28, Limit: 5})
		if !slices.Equal(refs(regs), want[28:]) {
			t.Fatalf("last page = %v", refs(regs))
		}
		regs, total, _ = s.Registrations(ctx, msg.Filter{Offset: 40})
		if len(regs) != 0 || total != 30 {
			t.Fatalf("page past the end = %v, %d", refs(regs), total)
		}
		regs, _, _ = s.Registrations(ctx, msg.Filter{Region: "littoral", Situation: "returnee", Offset: 1, Limit: 2})
		w := newestFirst(func(i int) bool { return i%3 == 0 && i%2 == 0 })
		if !slices.Equal(refs(regs), w[1:3]) {
			t.Fatalf("filtered page = %v, want %v", refs(regs), w[1:3])
		}
	})
}

func TestEachRegistrationOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	// 450 registrations: 3 batches; 300 share one millisecond so that ties
	// cross batch boundaries.
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []string
	pipe := rdb.Pipeline()
	for i := range 450 {
		ms := base.UnixMilli()
		if i >= 100 && i < 400 {
			ms += 100
		} else if i >= 400 {
			ms += int64(i)
		} else {
			ms += int64(i % 100)
		}
		want = append(want, refOf(i))
		// Written directly: Commit would need 450 round trips.
		pipe.HSet(ctx, prefix+"reg:{g}:"+refOf(i), "ref", refOf(i), "created", time.UnixMilli(ms).UTC().Format(time.RFC3339Nano))
		pipe.ZAdd(ctx, prefix+"regs:{g}", redis.Z{Score: float64(ms), Member: refOf(i)})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.EachRegistration(ctx, func(r msg.Registration) error {
		got = append(got, r.Ref)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("EachRegistration gave %d refs, want %d in order", len(got), len(want))
	}
	stop := errors.New("stop")
	n := 0
	err = s.EachRegistration(ctx, func(msg.Registration) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("EachRegistration after fn error: err %v, n %d", err, n)
	}
}

// refOf returns refs that sort lexically like their number.
func refOf(i int) string { return fmt.Sprintf("R%04d", i) }

func refs(regs []msg.Registration) []string {
	out := make([]string, len(regs))
	for i, r := range regs {
		out[i] = r.Ref
	}
	return out
}
