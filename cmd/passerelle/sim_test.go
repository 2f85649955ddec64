package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// writeScript writes a script file and returns its path.
func writeScript(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.script")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSimScript plays scripts through run(), as `passerelle sim -script`.
func TestSimScript(t *testing.T) {
	t.Parallel()
	flows, locales := writeDraft(t, draftFlow, draftTexts)
	draft := []string{"-flows-dir", flows, "-locales-dir", locales}
	cases := []struct {
		label  string
		args   []string
		script string
		want   []string // the transcript's first lines
	}{
		{"shipped flows", nil, "dial\n> 1\n", []string{
			"dial *384*123#",
			"  CON Bienvenue / Welcome",
			"      1. Français",
			"      2. English",
			"> 1",
			"  ~ set_language",
			"  CON Passerelle MINPMEESA-OIM",
		}},
		{"language chosen before", []string{"-lang", "en"}, "dial\n", []string{
			"dial *384*123#",
			"  CON Passerelle MINPMEESA-IOM",
		}},
		{"draft with a registration and its SMS", draft, "# a draft\ndial\n> 1\nphone +237699000002\nsms hello\n", []string{
			"# a draft",
			"dial *384*123#",
			"  CON Draft menu",
			"      1. Yes",
			"> 1",
			"  ~ save_registration ref SIM001",
			"  ~ send_sms:d.sms (queued)",
			"    sms to +237670000000: Your ref: SIM001",
			"    (16 chars, GSM-7, 1 SMS)",
			"  END Saved. Ref: SIM001",
			"phone +237699000002",
			"sms hello",
			"  SMS Draft menu",
			"      1. Yes",
			"",
		}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"sim"}, c.args...), "-script", writeScript(t, c.script))
			code, out, errs := runCmd(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			got := strings.Split(out, "\n")
			if len(got) < len(c.want) || !slices.Equal(got[:len(c.want)], c.want) {
				t.Errorf("transcript:\n%s\nwant it to start with:\n%s", out, strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestSimDraftWithProblems: a draft that loads runs, its problems shown first.
func TestSimDraftWithProblems(t *testing.T) {
	t.Parallel()
	broken := draftFlow + "  orphan:\n    type: end\n    say: d.done\n"
	flows, locales := writeDraft(t, broken, with(draftTexts, "d.spare", "unused"))
	code, out, errs := runCmd(t, "sim", "-flows-dir", flows, "-locales-dir", locales, "-script", writeScript(t, "dial\n"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, s := range []string{"lint: error: main.yaml: main:orphan: unreachable", `lint: error: locales: message "d.spare" is unused`, "the simulation runs anyway"} {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs)
		}
	}
	if !strings.Contains(out, "  CON Draft menu") {
		t.Errorf("the draft did not run:\n%s", out)
	}
}

// TestSimInteractive drives the interactive mode through stdin.
func TestSimInteractive(t *testing.T) {
	t.Parallel()
	flows, locales := writeDraft(t, draftFlow, draftTexts)
	cases := []struct {
		label string
		args  []string
		stdin string
		want  []string
	}{
		{"ussd", nil, "1\ndial\nwait 25h\nquit\n", []string{
			"USSD as +237670000000",
			"  │ Draft menu │\n  │ 1. Yes     │\n",
			"  CON  17/182 chars, GSM-7\n> 1\n",
			"  ~ save_registration ref SIM001\n",
			"  │ Saved. Ref: SIM001 │\n",
			"  END  18/182 chars, GSM-7\n> dial\n  ┌",
			"(clock now 2026-01-06 10:00:00)",
		}},
		{"sms", []string{"-mode", "sms", "-phone", "+237699000003"}, "hello\n> 1\n", []string{
			"SMS as +237699000003",
			"> hello\n  ┌",
			"  SMS  17 chars, GSM-7, 1 SMS\n",
			"> > 1\n  !! error answering: no USSD session open (dial first)\n",
		}},
		{"commands", nil, "help\nphone 12\nwait soon\ndrop\n> 1\n", []string{
			"Commands: dial",
			"phone: want an E.164 number",
			"wait: want a duration",
			"(session dropped; dial to call again)",
			"!! error answering: no USSD session open",
		}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := append([]string{"-flows-dir", flows, "-locales-dir", locales}, c.args...)
			if code := simulate(context.Background(), args, noEnv, strings.NewReader(c.stdin), &out, &errb); code != 0 {
				t.Fatalf("exit %d\n%s", code, errb.String())
			}
			for _, s := range c.want {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
		})
	}
}

func TestSimBadFlags(t *testing.T) {
	t.Parallel()
	cases := [][]string{{"-mode", "fax"}, {"-lang", "de"}, {"-phone", "12"}, {"-no-such-flag"}}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			if code, _, _ := runCmd(t, append([]string{"sim"}, args...)...); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

// TestSimRedis runs on the real Redis under a random prefix, deleted at
// exit; PASSERELLE_REDIS_URL is never used by the simulator.
func TestSimRedis(t *testing.T) {
	rdb := redistest.Client(t)
	ctx := context.Background()
	before, err := rdb.Keys(ctx, "sim:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "PASSERELLE_REDIS_URL" {
			return "redis://127.0.0.1:1/0" // nothing listens: must not be used
		}
		return ""
	}
	var out, errb bytes.Buffer
	args := []string{"sim", "-redis-url", redistest.URL(), "-lang", "fr", "-script", writeScript(t, "dial\n> 1\n")}
	if code := run(ctx, args, env, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "  CON Passerelle MINPMEESA-OIM") {
		t.Errorf("transcript:\n%s", out.String())
	}
	after, err := rdb.Keys(ctx, "sim:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range after {
		if !slices.Contains(before, k) {
			t.Errorf("key %q left behind", k)
		}
	}
	t.Run("unreachable", func(t *testing.T) {
		code, _, errs := runCmd(t, "sim", "-redis-url", "redis://127.0.0.1:1/0", "-script", writeScript(t, "dial\n"))
		if code != 1 || !strings.Contains(errs, "error opening the store") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

// TestSimInterrupt: Ctrl-C (the context ending) stops a session waiting
// for input.
func TestSimInterrupt(t *testing.T) {
	t.Parallel()
	flows, locales := writeDraft(t, draftFlow, draftTexts)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	defer pw.Close()
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() {
		done <- simulate(ctx, []string{"-flows-dir", flows, "-locales-dir", locales}, noEnv, pr, &out, &errb)
	}()
	if _, err := pw.Write([]byte("help\n")); err != nil { // read: the session waits for input
		t.Fatal(err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d\n%s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the simulator did not stop")
	}
}
