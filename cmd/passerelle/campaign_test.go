package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
)

// campaignToken is the fake admin API's bearer token.
const campaignToken = "campaign-secret-0123456789"

// fakeAdmin stands in for the gateway's admin API. Campaign c-1 is sending
// on its first two GETs and done from the third; c-stuck is always sending.
type fakeAdmin struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string // "METHOD /path" of every authorised request
	gets  int      // GETs of c-1
}

func newFakeAdmin(t *testing.T) *fakeAdmin {
	t.Helper()
	f := &fakeAdmin{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// called returns the requests made so far.
func (f *fakeAdmin) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeStatus is a campaign's status answer.
func fakeStatus(id, state string, queued, sent, delivered int) map[string]any {
	return map[string]any{
		"id": id, "name": "Formation Bafoussam", "state": state,
		"texts":    map[string]string{"fr": "Formation à Bafoussam, ça commence lundi", "en": "Training in Bafoussam"},
		"fallback": "fr",
		"audience": map[string]any{"registered": true, "lang": []string{"fr"}, "region": []string{"ouest"}, "registered_from": "2026-01-01"},
		"start_at": "2026-12-01T09:00:00+01:00", "rate": 5,
		"reply":   map[string]string{"flow": "training", "node": "start", "window": "48h"},
		"created": "2026-11-20T10:00:00Z", "updated": "2026-11-20T11:00:00Z",
		"counts": map[string]int{"audience": 2000, "queued": queued, "sent": sent, "delivered": delivered,
			"failed": 3, "skipped": 12, "deferred_quiet": 4, "deferred_session": 1, "unknown": 2, "replies": 7},
	}
}

func (f *fakeAdmin) serve(w http.ResponseWriter, r *http.Request) {
	answer := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	if r.Header.Get("Authorization") != "Bearer "+campaignToken {
		answer(http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	call := r.Method + " " + r.URL.EscapedPath()
	f.mu.Lock()
	f.calls = append(f.calls, call)
	if call == "GET /admin/campaigns/c-1" {
		f.gets++
	}
	gets := f.gets
	f.mu.Unlock()
	switch call {
	case "POST /admin/campaigns":
		var c struct {
			Name string `json:"name"`
		}
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil || r.Header.Get("Content-Type") != "application/json" {
			answer(http.StatusBadRequest, map[string]string{"error": "want a JSON campaign"})
			return
		}
		if c.Name == "" {
			answer(http.StatusBadRequest, map[string]string{"error": "name: want 1 to 120 characters"})
			return
		}
		answer(http.StatusCreated, fakeStatus("c-new", "draft", 0, 0, 0))
	case "GET /admin/campaigns":
		answer(http.StatusOK, map[string]any{"items": []any{fakeStatus("c-1", "sending", 1200, 1180, 950), fakeStatus("c-2", "draft", 0, 0, 0)}})
	case "GET /admin/campaigns/c-1":
		if gets < 3 {
			answer(http.StatusOK, fakeStatus("c-1", "sending", 600*gets, 590*gets, 475*gets))
			return
		}
		answer(http.StatusOK, fakeStatus("c-1", "done", 2000, 1985, 1900))
	case "GET /admin/campaigns/c-stuck":
		answer(http.StatusOK, fakeStatus("c-stuck", "sending", 1, 1, 1))
	case "GET /admin/campaigns/c-1/preview":
		texts := map[string]string{"fr": "Formation à Bafoussam : l’atelier commence lundi. Répondez 1 pour vous inscrire, ça ne coûte rien.", "en": "Training in Bafoussam"}
		answer(http.StatusOK, broadcast.Compute(texts, "fr", map[string]int{"fr": 1500, "en": 400, "ff": 100}, 25, "XAF"))
	case "POST /admin/campaigns/c-1/start", "POST /admin/campaigns/c-1/resume":
		answer(http.StatusOK, fakeStatus("c-1", "sending", 0, 0, 0))
	case "POST /admin/campaigns/c-1/pause":
		answer(http.StatusOK, fakeStatus("c-1", "paused", 600, 590, 475))
	case "POST /admin/campaigns/c-1/cancel":
		w.WriteHeader(http.StatusNoContent) // not a status: the client asks for it
	case "POST /admin/campaigns/c-done/start":
		answer(http.StatusConflict, map[string]string{"error": "error applying start to a done campaign: not allowed in this state"})
	case "GET /admin/campaigns/leaky":
		answer(http.StatusInternalServerError, map[string]string{"error": "bad token " + campaignToken})
	case "GET /admin/campaigns/html":
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html>\n<body>Bad\tgateway</body>\n</html>")
	case "GET /admin/campaigns/garbled":
		fmt.Fprint(w, "{not json")
	default:
		answer(http.StatusNotFound, map[string]string{"error": "no such campaign"})
	}
}

// runCampaign runs `passerelle campaign args…` with env and stdin and
// returns its exit status, stdout and stderr; it fails the test when
// either shows the token.
func runCampaign(t *testing.T, ctx context.Context, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := campaignIO(ctx, args, envOf(env), strings.NewReader(stdin), &out, &errb)
	if strings.Contains(out.String()+errb.String(), campaignToken) {
		t.Fatalf("the token is shown:\n%s\n%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

// adminEnv is the environment of a client of the fake admin API at url.
func adminEnv(url string) map[string]string {
	return map[string]string{"PASSERELLE_ADMIN_URL": url, "PASSERELLE_ADMIN_TOKEN": campaignToken}
}

func TestCampaignUsage(t *testing.T) {
	t.Parallel()
	f := newFakeAdmin(t)
	notJSON := filepath.Join(t.TempDir(), "campaign.txt")
	if err := os.WriteFile(notJSON, []byte("name: oops"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		stderr  string
		nothing bool // no request reaches the API
	}{
		{name: "no verb", args: nil, code: 2, stderr: "want a verb"},
		{name: "unknown verb", args: []string{"launch", "c-1"}, code: 2, stderr: `unknown verb "launch"`},
		{name: "show without id", args: []string{"show"}, code: 2, stderr: "show wants 1 argument(s), got 0"},
		{name: "show with two ids", args: []string{"show", "c-1", "c-2"}, code: 2, stderr: "got 2"},
		{name: "empty id", args: []string{"start", ""}, code: 2, stderr: "start: empty argument"},
		{name: "list with an argument", args: []string{"list", "all"}, code: 2, stderr: "list wants 0 argument(s)"},
		{name: "create without file", args: []string{"create"}, code: 2, stderr: "create wants 1"},
		{name: "create missing file", args: []string{"create", filepath.Join(t.TempDir(), "none.json")}, code: 2, stderr: "error reading the campaign"},
		{name: "create not JSON", args: []string{"create", notJSON}, code: 2, stderr: "is not JSON"},
		{name: "unknown flag", args: []string{"list", "-verbose"}, code: 2, stderr: "flag provided but not defined: -verbose"},
		{name: "bad every", args: []string{"watch", "c-1", "-every", "0s"}, code: 2, stderr: "-every must be positive"},
		{name: "no token", env: map[string]string{"PASSERELLE_ADMIN_URL": f.URL}, args: []string{"list"}, code: 2, stderr: "no admin token"},
		{name: "bad url", args: []string{"-url", "ftp://user:pw@example.org", "list"}, code: 2, stderr: "bad admin URL"},
		{name: "url with a query", args: []string{"-url", f.URL + "?x=1", "list"}, code: 2, stderr: "bad admin URL"},
		{name: "help flag", args: []string{"-h"}, code: 0, stderr: "create FILE"},
		{name: "help flag after the verb", args: []string{"show", "c-1", "-h"}, code: 0, stderr: "-every duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := c.env
			if env == nil {
				env = adminEnv(f.URL)
			}
			code, _, stderr := runCampaign(t, context.Background(), env, "", c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, c.code, c.stderr)
			}
		})
	}
	if calls := f.called(); len(calls) != 0 {
		t.Fatalf("usage errors called the API: %v", calls)
	}
}

func TestCampaignHelpHidesToken(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"-token", campaignToken, "-h"}, {"help"}} {
		var out, errb bytes.Buffer
		code := campaignIO(context.Background(), args, envOf(adminEnv("http://127.0.0.1:1")), strings.NewReader(""), &out, &errb)
		if code != 0 || !strings.Contains(out.String()+errb.String(), "PASSERELLE_ADMIN_TOKEN") {
			t.Fatalf("%v: exit %d, output:\n%s%s", args, code, out.String(), errb.String())
		}
		if strings.Contains(out.String()+errb.String(), campaignToken) {
			t.Fatalf("%v shows the token", args)
		}
	}
}

func TestCampaignVerbs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "campaign.json")
	body := `{"name": "Formation Bafoussam", "texts": {"fr": "Bonjour", "en": "Hello"}, "fallback": "fr",
		"audience": {"registered": true, "lang": ["fr"]}, "rate": 5}`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string // each in the output, in order
		stderr string
		calls  []string
	}{
		{name: "create", args: []string{"create", file}, stdout: []string{"created c-new\n", "state draft: 0/2000 queued"},
			calls: []string{"POST /admin/campaigns"}},
		{name: "create from stdin", args: []string{"create", "-"}, stdin: body, stdout: []string{"created c-new"},
			calls: []string{"POST /admin/campaigns"}},
		{name: "create refused", args: []string{"create", "-"}, stdin: `{"texts": {}}`, code: 1,
			stderr: "passerelle campaign: 400 Bad Request: name: want 1 to 120 characters\n", calls: []string{"POST /admin/campaigns"}},
		{name: "list", args: []string{"list"}, stdout: []string{
			"ID   NAME                 STATE    AUDIENCE  SENT  DELIVERED  FAILED  SKIPPED\n",
			"c-1  Formation Bafoussam  sending  2000      1180  950        3       12\n",
			"c-2  Formation Bafoussam  draft    2000      0     0          3       12\n"},
			calls: []string{"GET /admin/campaigns"}},
		{name: "show", args: []string{"show", "c-1"}, stdout: []string{
			"id              c-1\n", "state           sending\n",
			"start at        2026-12-01T09:00:00+01:00\n", "rate            5 messages a second\n",
			`text en         "Training in Bafoussam"`, `text fr         "Formation à Bafoussam, ça commence lundi"`,
			"audience        registered people; lang fr; region ouest; registered 2026-01-01 to …\n",
			"reply           training:start within 48h\n", "resend unknown  no\n",
			"counts:\n", "  queued                   600\n", "  deferred (quiet hours)   4\n", "  replies                  7\n"},
			calls: []string{"GET /admin/campaigns/c-1"}},
		{name: "show json", args: []string{"-json", "show", "c-1"}, stdout: []string{"{\n  \"audience\": {", `"id": "c-1"`},
			calls: []string{"GET /admin/campaigns/c-1"}},
		{name: "preview", args: []string{"preview", "c-1"}, stdout: []string{
			"LANG   RECIPIENTS  CHARS  ENCODING  SEGMENTS  SHAPED  TEXT\n",
			"en     400         21     GSM-7     1         1       its own\n",
			"ff     100         98     UCS-2     2         1       fr's (fallback)\n",
			"fr     1500        98     UCS-2     2         1       its own\n",
			"total  2000                         3600      2000\n",
			"cost: 3600 segments × 25 XAF = 90000 XAF\n",
			"shaped to GSM-7: 2000 segments = 50000 XAF, saving 40000 XAF\n"},
			calls: []string{"GET /admin/campaigns/c-1/preview"}},
		{name: "start", args: []string{"start", "c-1"}, stdout: []string{"started c-1\nstate sending: 0/2000 queued"},
			calls: []string{"POST /admin/campaigns/c-1/start"}},
		{name: "pause", args: []string{"pause", "c-1"}, stdout: []string{"paused c-1\nstate paused: 600/2000 queued, 590 sent, 475 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown\n"},
			calls: []string{"POST /admin/campaigns/c-1/pause"}},
		{name: "resume without watch", args: []string{"resume", "c-1"}, stdout: []string{"resumed c-1\nstate sending"},
			calls: []string{"POST /admin/campaigns/c-1/resume"}},
		{name: "cancel asks for the status", args: []string{"cancel", "c-1"}, stdout: []string{"cancelled c-1\nstate sending: 600/2000"},
			calls: []string{"POST /admin/campaigns/c-1/cancel", "GET /admin/campaigns/c-1"}},
		{name: "start refused", args: []string{"start", "c-done"}, code: 1,
			stderr: "passerelle campaign: 409 Conflict: error applying start to a done campaign: not allowed in this state\n",
			calls:  []string{"POST /admin/campaigns/c-done/start"}},
		{name: "no such campaign", args: []string{"show", "c-9"}, code: 1, stderr: "passerelle campaign: 404 Not Found: no such campaign\n",
			calls: []string{"GET /admin/campaigns/c-9"}},
		{name: "id escaped", args: []string{"show", "a/b c"}, code: 1, stderr: "404 Not Found", calls: []string{"GET /admin/campaigns/a%2Fb%20c"}},
		{name: "error echoing the token", args: []string{"show", "leaky"}, code: 1,
			stderr: "passerelle campaign: 500 Internal Server Error: bad token [redacted]\n", calls: []string{"GET /admin/campaigns/leaky"}},
		{name: "error not JSON", args: []string{"show", "html"}, code: 1,
			stderr: "passerelle campaign: 502 Bad Gateway: <html> <body>Bad gateway</body> </html>\n", calls: []string{"GET /admin/campaigns/html"}},
		{name: "answer not JSON", args: []string{"show", "garbled"}, code: 1,
			stderr: "error reading the answer of GET /admin/campaigns/garbled", calls: []string{"GET /admin/campaigns/garbled"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeAdmin(t)
			code, stdout, stderr := runCampaign(t, context.Background(), adminEnv(f.URL), c.stdin, c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) || (c.stderr == "" && stderr != "") {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, c.code, c.stderr)
			}
			rest := stdout
			for _, want := range c.stdout {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("stdout:\n%s\nwant, in order, %q", stdout, want)
				}
				rest = rest[i+len(want):]
			}
			if got := strings.Join(f.called(), ", "); got != strings.Join(c.calls, ", ") {
				t.Fatalf("requests %s, want %s", got, strings.Join(c.calls, ", "))
			}
		})
	}
}

func TestCampaignFlagsAndToken(t *testing.T) {
	t.Parallel()
	f := newFakeAdmin(t)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		err  string
	}{
		{"flags before the verb", nil, []string{"-url", f.URL, "-token", campaignToken, "list"}, 0, ""},
		{"flags after the verb", nil, []string{"list", "-url=" + f.URL, "-token=" + campaignToken}, 0, ""},
		{"flag beats the environment", map[string]string{"PASSERELLE_ADMIN_URL": "http://127.0.0.1:1", "PASSERELLE_ADMIN_TOKEN": "wrong-token-0123456789"},
			[]string{"-url", f.URL, "-token", campaignToken, "list"}, 0, ""},
		{"wrong token", map[string]string{"PASSERELLE_ADMIN_URL": f.URL, "PASSERELLE_ADMIN_TOKEN": "wrong-token-0123456789"},
			[]string{"list"}, 1, "passerelle campaign: 401 Unauthorized: unauthorized\n"},
		{"id after --", adminEnv(f.URL), []string{"show", "--", "-c"}, 1, "404 Not Found"},
		{"path prefix kept", adminEnv(f.URL + "/gw/"), []string{"list"}, 1, "404 Not Found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCampaign(t, context.Background(), c.env, "", c.args...)
			if code != c.code || !strings.Contains(stderr, c.err) || (c.code == 0 && !strings.Contains(stdout, "c-1  ")) {
				t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d and %q", code, stdout, stderr, c.code, c.err)
			}
		})
	}
	calls := f.called()
	if got := calls[len(calls)-2:]; got[0] != "GET /admin/campaigns/-c" || got[1] != "GET /gw/admin/campaigns" {
		t.Fatalf("last requests %v", got)
	}
}

func TestCampaignEntryPoint(t *testing.T) {
	t.Parallel()
	f := newFakeAdmin(t)
	var out, errb bytes.Buffer
	code := campaign(context.Background(), []string{"list"}, envOf(adminEnv(f.URL)), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "c-1  Formation Bafoussam  sending") || errb.Len() != 0 {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
}

func TestCampaignUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	code, _, stderr := runCampaign(t, context.Background(), adminEnv(url), "", "list")
	if code != 1 || !strings.Contains(stderr, "passerelle campaign: error calling GET /admin/campaigns: ") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestCampaignWatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  []string
		lines []string
		calls []string
	}{
		{
			name: "watch", args: []string{"watch", "c-1", "-every", "10ms"},
			lines: []string{
				"state sending: 600/2000 queued, 590 sent, 475 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state sending: 1200/2000 queued, 1180 sent, 950 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state done: 2000/2000 queued, 1985 sent, 1900 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
			},
			calls: []string{"GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1"},
		},
		{
			name: "start -watch", args: []string{"-every=10ms", "start", "-watch", "c-1"},
			lines: []string{"started c-1", "state sending: 600/2000 queued, 590 sent, 475 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state sending: 1200/2000 queued, 1180 sent, 950 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state done: 2000/2000 queued, 1985 sent, 1900 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown"},
			calls: []string{"POST /admin/campaigns/c-1/start", "GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1"},
		},
		{
			name: "resume -watch", args: []string{"resume", "c-1", "-watch", "-every", "10ms"},
			lines: []string{"resumed c-1", "state sending: 600/2000 queued, 590 sent, 475 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state sending: 1200/2000 queued, 1180 sent, 950 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown",
				"state done: 2000/2000 queued, 1985 sent, 1900 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown"},
			calls: []string{"POST /admin/campaigns/c-1/resume", "GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1", "GET /admin/campaigns/c-1"},
		},
		{
			name: "pause ignores -watch", args: []string{"pause", "c-1", "-watch", "-every", "10ms"},
			lines: []string{"paused c-1", "state paused: 600/2000 queued, 590 sent, 475 delivered, 3 failed, 12 skipped, 5 deferred, 2 unknown"},
			calls: []string{"POST /admin/campaigns/c-1/pause"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeAdmin(t)
			code, stdout, stderr := runCampaign(t, context.Background(), adminEnv(f.URL), "", c.args...)
			if want := strings.Join(c.lines, "\n") + "\n"; code != 0 || stdout != want || stderr != "" {
				t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0, stdout:\n%s", code, stdout, stderr, want)
			}
			if got := strings.Join(f.called(), ", "); got != strings.Join(c.calls, ", ") {
				t.Fatalf("requests %s, want %s", got, strings.Join(c.calls, ", "))
			}
		})
	}
}

func TestCampaignWatchInterrupted(t *testing.T) {
	t.Parallel()
	f := newFakeAdmin(t)
	// The campaign never ends: watch runs until the context does (long
	// enough for a first answer on a busy machine).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	code, stdout, stderr := runCampaign(t, ctx, adminEnv(f.URL), "", "watch", "c-stuck", "-every", "10ms")
	if code != 1 || !strings.Contains(stdout, "state sending: 1/2000 queued") || stderr == "" {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestCampaignRedactor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"nothing to hide", nil, "a secret-token here", "a secret-token here"},
		{"empty secret ignored", []string{""}, "abc", "abc"},
		{"hidden", []string{"secret-token"}, "a secret-token here, secret-token", "a [redacted] here, [redacted]"},
		{"two secrets", []string{"one-secret", "two-secret"}, "one-secret two-secret", "[redacted] [redacted]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			r := &redactor{w: &b}
			for _, s := range c.secrets {
				r.hide(s)
			}
			n, err := io.WriteString(r, c.in)
			if err != nil || n != len(c.in) || b.String() != c.want {
				t.Fatalf("wrote %d, %v: %q, want %q", n, err, b.String(), c.want)
			}
		})
	}
}
