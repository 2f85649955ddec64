package chat_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// commitHook acts on the next commit (a script call on a conversation key)
// once armed: it fails it before Redis sees it, fails it after Redis ran it
// (the connection drops with the answer), or changes the conversation
// under it first (a concurrent hop won the compare-and-set).
type commitHook struct {
	armed atomic.Int32
	mode  string // "before", "after" or "race"
	rdb   redis.UniversalClient
}

func (h *commitHook) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessPipelineHook acts on a commit sent in a pipeline (the store's
// batches of hops, batch.go) as ProcessHook does on one sent alone.
func (h *commitHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		i := slices.IndexFunc(cmds, isCommit)
		if i < 0 || !h.armed.CompareAndSwap(1, 0) {
			return next(ctx, cmds)
		}
		lost := errors.New("read tcp: connection reset by peer")
		switch h.mode {
		case "before":
			cmds[i].SetErr(lost)
			rest := slices.Delete(slices.Clone(cmds), i, i+1)
			if len(rest) == 0 {
				return lost
			}
			return next(ctx, rest)
		case "after":
			err := next(ctx, cmds)
			cmds[i].SetErr(lost)
			if err != nil {
				return err
			}
			return lost
		}
		h.race(ctx, cmds[i])
		return next(ctx, cmds)
	}
}

func (h *commitHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !isCommit(cmd) || !h.armed.CompareAndSwap(1, 0) {
			return next(ctx, cmd)
		}
		lost := errors.New("read tcp: connection reset by peer")
		switch h.mode {
		case "before":
			cmd.SetErr(lost)
			return lost
		case "after":
			if err := next(ctx, cmd); err != nil {
				return err
			}
			cmd.SetErr(lost)
			return lost
		}
		h.race(ctx, cmd)
		return next(ctx, cmd)
	}
}

// isCommit tells a hop's commit: a script call on a conversation key.
func isCommit(cmd redis.Cmder) bool {
	args := cmd.Args()
	return (cmd.Name() == "evalsha" || cmd.Name() == "eval") && len(args) > 3 && strings.Contains(asString(args[3]), "conv:{")
}

// race bumps the stored version under the commit, as a concurrent hop
// would.
func (h *commitHook) race(ctx context.Context, cmd redis.Cmder) {
	k := asString(cmd.Args()[3])
	v, _ := h.rdb.Get(ctx, k).Result()
	n, rest, _ := strings.Cut(v, ":")
	ver, _ := strconv.Atoi(n)
	h.rdb.Set(ctx, k, strconv.Itoa(ver+1)+":"+rest, redis.KeepTTL)
}

// asString reads a command argument: a string, or a *string (the store
// passes a hop's keys as pointers into one array).
func asString(v any) string {
	if p, ok := v.(*string); ok && p != nil {
		return *p
	}
	s, _ := v.(string)
	return s
}

func hooked(t *testing.T, mode string) (*apptest.App, *commitHook) {
	t.Helper()
	a := newHarness(t)
	h := &commitHook{mode: mode, rdb: a.Redis}
	a.Redis.AddHook(h)
	return a, h
}

// queued counts the conversation lane's messages not yet settled.
func queued(t *testing.T, a *apptest.App) int64 {
	t.Helper()
	st, err := a.Store.OutboxStats(context.Background(), a.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return st.Lanes[msg.LaneConversation].Queued
}

// TestCommitFailureIsAllOrNothing: when Redis fails around the commit of a
// hop that records a call-back (and queues its confirmation) or an
// opt-out, the person gets the apology, and the effect is stored exactly
// when the hop's state is: both or neither.
func TestCommitFailureIsAllOrNothing(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"before", "after"} {
		t.Run("callback/"+mode, func(t *testing.T) {
			t.Parallel()
			a, h := hooked(t, mode)
			const from = msg.Address("+237676000001")
			ctx := context.Background()
			p := a.Hasher.Person(from)
			play(t, a, from, "1", "3", "6") // the call-back topics
			before, _ := a.Store.Load(ctx, p, "")
			h.armed.Store(1)
			r, err := a.Phone(from).Answer(ctx, "1")
			if !errors.Is(err, chat.ErrUnavailable) || !r.End {
				t.Fatalf("reply %q, %v: want the apology", r.Messages, err)
			}
			// On a Cluster a committed hop's effects may wait in the
			// person's log for the repair (nothing to do on one node).
			if _, err := a.Store.RepairEffects(ctx); err != nil {
				t.Fatal(err)
			}
			after, _ := a.Store.Load(ctx, p, "")
			stateStored := after.Version != before.Version
			cbs, _, err := a.Store.Callbacks(ctx, true, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if stateStored != (len(cbs) == 1) || stateStored != (queued(t, a) == 1) {
				t.Fatalf("state stored %v, %d call-backs, %d queued: want all or nothing", stateStored, len(cbs), queued(t, a))
			}
			if stateStored != (mode == "after") {
				t.Fatalf("state stored = %v with the failure %s the commit", stateStored, mode)
			}
		})
		t.Run("optout/"+mode, func(t *testing.T) {
			t.Parallel()
			a, h := hooked(t, mode)
			const from = msg.Address("+237676000002")
			ctx := context.Background()
			p := a.Hasher.Person(from)
			sms(t, a, from, "Bonjour")
			before, _ := a.Store.Load(ctx, p, "")
			h.armed.Store(1)
			if _, err := a.Phone(from).SMS(ctx, "STOP"); !errors.Is(err, chat.ErrUnavailable) {
				t.Fatalf("err %v: want the apology", err)
			}
			if _, err := a.Store.RepairEffects(ctx); err != nil {
				t.Fatal(err)
			}
			after, _ := a.Store.Load(ctx, p, "")
			out, err := a.Store.OptedOut(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			stateStored := after.Version != before.Version
			if stateStored != out || stateStored != (mode == "after") {
				t.Fatalf("state stored %v, opted out %v, failure %s the commit", stateStored, out, mode)
			}
		})
	}
}

// TestLostCompareAndSetQueuesOnce: a hop that asks a page by SMS loses the
// compare-and-set to a concurrent change and runs again: its SMS is queued
// once and the daily quota counts it once.
func TestLostCompareAndSetQueuesOnce(t *testing.T) {
	t.Parallel()
	a, h := hooked(t, "race")
	const from = msg.Address("+237676000003")
	ctx := context.Background()
	play(t, a, from, "1", "3", "1", "1") // the reintegration page, offering it by SMS
	h.armed.Store(1)
	r, err := a.Phone(from).Answer(ctx, "1")
	if err != nil || !strings.Contains(r.Messages[0], "Le SMS arrive") {
		t.Fatalf("reply %q, %v", r.Messages, err)
	}
	if h.armed.Load() != 0 {
		t.Fatal("the commit was not raced")
	}
	if n := queued(t, a); n != 1 {
		t.Fatalf("%d messages queued, want 1", n)
	}
	q := a.Redis.HGet(ctx, a.Prefix+"quota:{"+string(a.Hasher.Person(from))+"}", "sms_page").Val()
	if !strings.HasSuffix(q, ":1") {
		t.Fatalf("quota %q, want one page counted", q)
	}
	if sent := a.Outbox.Sent(); len(sent) != 1 || sent[0].To != from {
		t.Fatalf("sent %+v", sent)
	}
}
