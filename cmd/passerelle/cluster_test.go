package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
	"github.com/passerelle/passerelle/internal/testutil/redisproc"
)

// TestServeOnCluster runs `passerelle serve` on a three-master Redis
// Cluster of real redis-server processes: a whole registration over USSD
// (Africa's Talking), another over SMS (Twilio), the staff's erasure of
// the first, and a campaign to the registered, sent by serve's outbox
// worker to a local fake of Twilio. Any script or command that spans
// slots would be refused (CROSSSLOT) and fail a step. The same runs
// through Sentinel (a master, a replica, three sentinels), with a failover
// between the two registrations.
func TestServeOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis topologies of real processes")
	}
	t.Parallel()
	for _, top := range []struct {
		name  string
		start func(t *testing.T) (env map[string]string, opts redisstore.Options, between func())
	}{
		{"cluster", func(t *testing.T) (map[string]string, redisstore.Options, func()) {
			cl := redisproc.StartCluster(t)
			return map[string]string{"PASSERELLE_REDIS_URL": "redis://", "PASSERELLE_REDIS_CLUSTER": strings.Join(cl.Addrs, ",")},
				redisstore.Options{URL: "redis://", Cluster: cl.Addrs}, func() {}
		}},
		{"sentinel with a failover", func(t *testing.T) (map[string]string, redisstore.Options, func()) {
			sn := redisproc.StartSentinel(t)
			return map[string]string{"PASSERELLE_REDIS_URL": "redis://", "PASSERELLE_REDIS_SENTINEL_MASTER": sn.Master,
					"PASSERELLE_REDIS_SENTINELS": strings.Join(sn.Sentinels, ",")},
				redisstore.Options{URL: "redis://", SentinelMaster: sn.Master, Sentinels: sn.Sentinels}, func() {
					time.Sleep(300 * time.Millisecond) // the replica catches up
					sn.Failover(t)
					sn.WaitSettled(t)
				}
		}},
	} {
		t.Run(top.name, func(t *testing.T) {
			t.Parallel()
			env, opts, between := top.start(t)
			serveOn(t, env, opts, between)
		})
	}
}

// serveOn runs serve with the Redis settings env and walks the test's
// conversations; between runs between the two registrations.
func serveOn(t *testing.T, redisEnv map[string]string, opts redisstore.Options, between func()) {
	tw := fakesms.NewTwilio(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var b [4]byte
	_, _ = rand.Read(b[:])
	const (
		secret = "cluster-test-secret-0123456789"
		token  = "cluster-admin-token-0123456789"
	)
	prefix := "c" + hex.EncodeToString(b[:]) + ":"
	env := map[string]string{
		"PASSERELLE_ADDR": addr, "PASSERELLE_LOG_LEVEL": "info",
		"PASSERELLE_REDIS_PREFIX": prefix, "PASSERELLE_SECRET": secret, "PASSERELLE_ADMIN_TOKEN": token,
		"PASSERELLE_USSD_OPEN": "true", "PASSERELLE_TEST_SYSTEM": "true", "PASSERELLE_TWILIO_SKIP_SIGNATURE": "true",
		"PASSERELLE_SMS_PROVIDER": "twilio", "PASSERELLE_TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
		"PASSERELLE_TWILIO_AUTH_TOKEN": "clustertesttwiliotoken0123456789", "PASSERELLE_TWILIO_FROM": "+237600000000",
		"PASSERELLE_PUBLIC_URL": "https://gw.example.org", "PASSERELLE_TWILIO_API_URL": tw.URL(),
		"PASSERELLE_QUIET_HOURS": "none", "PASSERELLE_SESSION_GUARD": "0",
	}
	for k, v := range redisEnv {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	logs := &crashLog{}
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), logs, logs) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("serve's output:\n%s", tail(logs.String(), 6000))
		}
	})
	base := "http://" + addr
	waitReady(t, base, done)

	opts.Prefix = prefix
	store, err := redisstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hasher := msg.NewHasher([]byte(secret))

	// A registration over USSD, in French.
	fr, en := providertest.Registrations[0], providertest.Registrations[1]
	const ussdPhone, smsPhone = msg.Address("+237670000901"), msg.Address("+237670000902")
	screens := fr.Walk(t, func(answers []string) string {
		body, err := post(ctx, base+"/ussd/africastalking", url.Values{"sessionId": {"CL1"}, "serviceCode": {"*384*123#"},
			"phoneNumber": {string(ussdPhone)}, "networkCode": {"62401"}, "text": {strings.Join(answers, "*")}})
		if err != nil {
			t.Fatal(err)
		}
		return body
	})
	ussdRef := registeredRef(t, store, fr, ussdPhone, screens)
	between()
	waitReady(t, base, done)

	// Another over SMS, in English.
	n := 0
	screens = en.Walk(t, func(answers []string) string {
		text := "Hello"
		if len(answers) > 0 {
			text = answers[len(answers)-1]
		}
		n++
		body, err := post(ctx, base+"/sms/twilio", url.Values{"MessageSid": {fmt.Sprintf("SMCL%02d", n)},
			"From": {string(smsPhone)}, "To": {"+237600000000"}, "Body": {text}})
		if err != nil {
			t.Fatal(err)
		}
		var twiml struct {
			Messages []string `xml:"Message"`
		}
		if err := xml.Unmarshal([]byte(body), &twiml); err != nil {
			t.Fatalf("TwiML %q: %v", body, err)
		}
		return strings.Join(twiml.Messages, "\n")
	})
	registeredRef(t, store, en, smsPhone, screens)

	// The staff erase the first.
	st, out := admin(t, "DELETE", base+"/admin/people/"+url.PathEscape(string(ussdPhone)), token, "")
	if st != 200 || !strings.Contains(out, `"registration":"`+ussdRef+`"`) {
		t.Fatalf("erasure: %d %s", st, out)
	}
	if _, err := store.Registration(context.Background(), ussdRef); err == nil {
		t.Fatal("the erased registration is still readable")
	}
	if c, _ := store.Load(context.Background(), hasher.Person(ussdPhone), ""); c.Version != 0 || c.Lang != "" {
		t.Fatalf("the erased person's conversation is left: %+v", c)
	}

	// A campaign to the registered reaches the one left, and only them.
	st, out = admin(t, "POST", base+"/admin/campaigns", token,
		`{"name":"Cluster","texts":{"fr":"Formation mardi.","en":"Training on Tuesday."},"fallback":"fr","audience":{"registered":true},"rate":5}`)
	var c struct{ ID string }
	if err := json.Unmarshal([]byte(out), &c); st != 201 || err != nil {
		t.Fatalf("campaign: %d %s", st, out)
	}
	if st, out = admin(t, "POST", base+"/admin/campaigns/"+c.ID+"/start", token, ""); st != 200 {
		t.Fatalf("start: %d %s", st, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []string
		for _, m := range tw.Received() {
			if m.Body == "Training on Tuesday." {
				got = append(got, m.To)
			}
		}
		if len(got) == 1 && got[0] == string(smsPhone) {
			break
		}
		if len(got) > 1 || time.Now().After(deadline) {
			t.Fatalf("campaign sent to %v, want %s only", got, smsPhone)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Nothing is left waiting in a person's effects log.
	if n, err := store.RepairEffects(context.Background()); err != nil || n != 0 {
		t.Fatalf("effects left behind: %d, %v", n, err)
	}
}

// waitReady waits until serve answers /readyz, or fails if it stopped
// (done, buffered, gets serve's exit code back for the cleanup).
func waitReady(t *testing.T, base string, done chan int) {
	t.Helper()
	for range 400 {
		select {
		case code := <-done:
			done <- code // for the cleanup that waits for it
			t.Fatalf("serve stopped with %d", code)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("serve did not become ready")
}

// registeredRef checks that the last screen ends r and that phone's
// registration is stored under the reference shown, which it returns.
func registeredRef(t *testing.T, store *redisstore.Store, r providertest.Registration, phone msg.Address, screens []string) string {
	t.Helper()
	last := screens[len(screens)-1]
	i := strings.Index(last, r.Done)
	if i < 0 {
		t.Fatalf("last screen %q, want %q (screens %q)", last, r.Done, screens)
	}
	ref := last[i+len(r.Done):]
	if j := strings.IndexByte(ref, '.'); j > 0 {
		ref = ref[:j]
	}
	reg, err := store.Registration(context.Background(), ref)
	if err != nil || reg.Phone != phone || reg.Answers["name"] != r.Name {
		t.Fatalf("registration %q: %+v, %v", ref, reg, err)
	}
	return ref
}

// admin calls the admin API with the token and returns status and body.
func admin(t *testing.T, method, u, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
