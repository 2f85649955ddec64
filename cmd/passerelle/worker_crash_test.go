package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// buildPasserelle builds ./cmd/passerelle into the test's temporary
// directory (removed when the test ends) and returns the binary's path;
// with -race when the test binary has it, so the child is checked too. The
// build cache makes a build after the first one a matter of linking.
func buildPasserelle(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the worker: %v", err)
	}
	out := filepath.Join(t.TempDir(), "passerelle")
	args := []string{"build"}
	if raceEnabled() {
		args = append(args, "-race")
	}
	args = append(args, "-o", out, ".")
	cmd := exec.Command(goCmd, args...)
	if logs, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, logs)
	}
	return out
}

// raceEnabled tells whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// crashLog collects a child's output, safe for the copying goroutine and
// the test.
type crashLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// crashChild is a running `passerelle worker`.
type crashChild struct {
	name  string
	cmd   *exec.Cmd
	logs  *crashLog
	done  chan struct{} // closed when the process was waited for
	state *os.ProcessState
}

// startWorker starts `passerelle worker` with env (and nothing of the
// parent's PASSERELLE_* settings); the process is killed when the test
// ends if it still runs.
func startWorker(t *testing.T, bin, name string, env []string) *crashChild {
	t.Helper()
	c := &crashChild{name: name, logs: &crashLog{}, done: make(chan struct{})}
	c.cmd = exec.Command(bin, "worker")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PASSERELLE_") {
			c.cmd.Env = append(c.cmd.Env, kv)
		}
	}
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		defer close(c.done)
		_ = c.cmd.Wait()
		c.state = c.cmd.ProcessState
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(c.logs.String(), 8000))
		}
	})
	return c
}

// wait waits up to d for the process to end and returns its state, or nil.
func (c *crashChild) wait(d time.Duration) *os.ProcessState {
	select {
	case <-c.done:
		return c.state
	case <-time.After(d):
		return nil
	}
}

// exited tells whether the process ended already.
func (c *crashChild) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// crashMessageID is the id of the i-th message of the crash test.
func crashMessageID(i int) string { return fmt.Sprintf("crash%04d", i) }

// TestWorkerCrash: a `passerelle worker` process killed (SIGKILL) in the
// middle of a batch loses no message. Another worker claims the killed
// one's entries after PASSERELLE_OUTBOX_CLAIM_IDLE and sends them; the
// messages the killed worker had begun (state "sending") are the only ones
// the provider may receive twice, and the outbox counts each of them once
// as an unknown outcome sent again. The second worker stops cleanly on
// SIGTERM.
func TestWorkerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds passerelle and runs two worker processes against the real Redis")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL and SIGTERM")
	}
	t.Parallel()
	const n = 200
	ctx := context.Background()
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	store := redisstore.New(rdb, prefix)
	bin := buildPasserelle(t)

	// The fake answers after 20 to 50 ms, so that with the worker's four
	// sends at once a batch of 64 takes about half a second: the kill
	// lands inside one.
	tw := fakesms.NewTwilio(t)
	tw.SetHandler(func(i int, _ fakesms.Message) fakesms.Response {
		return fakesms.Response{Delay: time.Duration(20+(i*7)%31) * time.Millisecond}
	})

	hasher := msg.NewHasher([]byte("crash-test-secret-0123456789"))
	ms := make([]msg.Outbound, n)
	for i := range ms {
		to := msg.Address(fmt.Sprintf("+2376%08d", 70000000+i))
		ms[i] = msg.Outbound{ID: crashMessageID(i), To: to, Person: hasher.Person(to), Kind: msg.KindPage,
			Text: "Passerelle: votre page " + crashMessageID(i)}
	}
	if err := store.Enqueue(ctx, ms...); err != nil {
		t.Fatal(err)
	}

	env := []string{
		"PASSERELLE_REDIS_URL=" + redistest.URL(),
		"PASSERELLE_REDIS_PREFIX=" + prefix,
		"PASSERELLE_SECRET=crash-test-secret-0123456789",
		"PASSERELLE_USSD_OPEN=true",
		"PASSERELLE_SMS_PROVIDER=twilio",
		"PASSERELLE_TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef",
		"PASSERELLE_TWILIO_AUTH_TOKEN=crashtesttwiliotoken0123456789ab",
		"PASSERELLE_TWILIO_FROM=+237600000000",
		"PASSERELLE_PUBLIC_URL=https://gw.example.org",
		"PASSERELLE_TWILIO_API_URL=" + tw.URL(),
		"PASSERELLE_OUTBOX_CLAIM_IDLE=5s",
		"PASSERELLE_OUTBOX_CONCURRENCY=4",
		"PASSERELLE_LOG_FORMAT=json",
	}

	// Worker 1 sends until the fake accepted some but not all, then dies.
	w1 := startWorker(t, bin, "worker 1", env)
	atKill := killAfter(t, w1, tw.Count, 40, n, 30*time.Second)

	// Let Redis run what the dead worker's connections had sent, then see
	// which messages it had begun and not finished.
	time.Sleep(200 * time.Millisecond)
	states := crashStates(t, ctx, rdb, prefix, n)
	var inFlight []string
	for id, s := range states {
		if s == "sending" {
			inFlight = append(inFlight, id)
		}
	}
	sentBefore := sentSet(tw.Received())

	// Worker 2 takes over: new entries at once, the dead worker's after
	// the claim idle time.
	start2 := time.Now()
	w2 := startWorker(t, bin, "worker 2", env)
	var got map[string]int
	deadline := time.Now().Add(60 * time.Second)
	for {
		got = sentSet(tw.Received())
		if len(got) == n {
			break
		}
		if w2.exited() {
			t.Fatalf("worker 2 ended by itself: %v", w2.state)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s the fake received %d of %d messages (%d requests)", len(got), n, tw.Attempts())
		}
		time.Sleep(20 * time.Millisecond)
	}
	took2 := time.Since(start2)
	for i := range n {
		if got[crashMessageID(i)] == 0 {
			t.Errorf("message %s never sent", crashMessageID(i))
		}
	}

	// Only messages begun by the dead worker may have gone twice; none
	// more than twice.
	isInFlight := map[string]bool{}
	for _, id := range inFlight {
		isInFlight[id] = true
	}
	dups := 0
	for id, c := range got {
		if c < 2 {
			continue
		}
		dups++
		if !isInFlight[id] {
			t.Errorf("message %s sent %d times but was not in flight at the kill (state %q)", id, c, states[id])
		}
		if c > 2 {
			t.Errorf("message %s sent %d times", id, c)
		}
		if sentBefore[id] == 0 {
			t.Errorf("message %s sent twice, both after the kill", id)
		}
	}

	// The outbox settles: everything sent, once in its counts; every
	// unknown outcome counted and sent again.
	var conv outbox.LaneStats
	deadline = time.Now().Add(10 * time.Second)
	for {
		stats, err := store.OutboxStats(ctx, time.Now(), 10)
		if err != nil {
			t.Fatal(err)
		}
		conv = stats.Lanes[msg.LaneConversation]
		if conv.Queued == 0 && conv.Sent >= n && conv.InFlight == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not settled 10s after the last send: %+v", conv)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("%d messages; fake accepted %d before the kill; %d in state sending at the kill; %d sent twice; "+
		"%d requests, %d accepted in all; worker 2 finished in %v",
		n, atKill, len(inFlight), dups, tw.Attempts(), tw.Count(), took2.Round(time.Millisecond))
	t.Logf("conversation lane: queued %d, sent %d, unknown %d, resent %d, in flight %d, waiting %d, retrying %d, dead %d",
		conv.Queued, conv.Sent, conv.Unknown, conv.Resent, conv.InFlight, conv.Waiting, conv.Retrying, conv.Dead)
	if conv.Queued != 0 || conv.Sent != n || conv.Dead != 0 || conv.Retrying != 0 || conv.Waiting != 0 {
		t.Errorf("stats %+v, want queued 0, sent %d", conv, n)
	}
	if conv.Unknown != int64(len(inFlight)) || conv.Resent != int64(len(inFlight)) {
		t.Errorf("unknown %d, resent %d; want both %d (messages in state sending at the kill)", conv.Unknown, conv.Resent, len(inFlight))
	}
	if len(inFlight) == 0 {
		t.Log("the kill caught no message in flight: nothing was sent twice, and the claim path went untried")
	}
	if dups > len(inFlight) {
		t.Errorf("%d messages sent twice, more than the %d in flight", dups, len(inFlight))
	}
	for id, s := range crashStates(t, ctx, rdb, prefix, n) {
		if s != "sent" {
			t.Errorf("message %s in state %q", id, s)
		}
	}
	if len(inFlight) > 0 && !strings.Contains(w2.logs.String(), "claimed outbox entries of a stopped worker") {
		t.Error("worker 2 did not log its claim of worker 1's entries")
	}
	if c := strings.Count(w2.logs.String(), "sending again a message whose outcome is unknown"); c != len(inFlight) {
		t.Errorf("worker 2 warned of %d unknown outcomes, want %d", c, len(inFlight))
	}

	// Worker 2 stops cleanly on SIGTERM.
	if err := w2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	st := w2.wait(10 * time.Second)
	if st == nil {
		t.Fatal("worker 2 still runs 10s after SIGTERM")
	}
	if st.ExitCode() != 0 {
		t.Fatalf("worker 2 exited with %v, want 0", st)
	}
	if !strings.Contains(w2.logs.String(), "outbox worker stopped") {
		t.Errorf("worker 2 did not log its stop")
	}
	for _, l := range []string{w1.logs.String(), w2.logs.String()} {
		if strings.Contains(l, "crashtesttwiliotoken") || strings.Contains(l, "crash-test-secret") {
			t.Error("a worker logged a secret")
		}
	}
}

// sentSet counts the messages the fake accepted by our message id, which
// the status callback URL carries (mid=) and the text repeats.
func sentSet(ms []fakesms.Message) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		id := ""
		if u, err := url.Parse(m.StatusCallback); err == nil {
			id = u.Query().Get("mid")
		}
		if id == "" || !strings.HasSuffix(m.Body, " "+id) {
			id = "mismatch:" + m.Body
		}
		out[id]++
	}
	return out
}

// crashStates reads the state of each of the n messages' records.
func crashStates(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix string, n int) map[string]string {
	t.Helper()
	cmds := make([]*redis.StringCmd, n)
	pipe := rdb.Pipeline()
	for i := range n {
		cmds[i] = pipe.HGet(ctx, prefix+"obm:{g}:"+crashMessageID(i), "st")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		t.Fatalf("reading states: %v", err)
	}
	out := make(map[string]string, n)
	for i, c := range cmds {
		out[crashMessageID(i)] = c.Val()
	}
	return out
}

// killAfter waits until sent() reaches at least want (of n), then SIGKILLs
// the worker, checks it died by the signal, and returns sent() then.
func killAfter(t *testing.T, w *crashChild, sent func() int, want, n int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for sent() < want {
		if w.exited() {
			t.Fatalf("worker 1 ended by itself: %v", w.state)
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker 1 sent %d messages in %v", sent(), timeout)
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	st := w.wait(10 * time.Second)
	if st == nil {
		t.Fatal("worker 1 still runs 10s after SIGKILL")
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("worker 1 did not die by SIGKILL: %v", st)
	}
	atKill := sent()
	if atKill >= n {
		t.Fatalf("worker 1 sent all %d messages before the kill", atKill)
	}
	return atKill
}
