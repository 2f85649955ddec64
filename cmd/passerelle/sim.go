package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/smstext"
)

// Fixed values of the simulation, so that its transcripts are stable.
const (
	simService = "*384*123#"
	simPhone   = "+237670000000"
)

// simStart is when the simulated clock starts; "wait" moves it.
var simStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// simulator is the application serve runs, on a scratch store, played by
// simulated phones.
type simulator struct {
	app    *app.App
	svc    *chat.Service
	clock  *sim.Clock
	lang   msg.Lang // remembered for every new person when set
	budget int
	phones map[msg.Address]*sim.Phone
	out    io.Writer
	errw   io.Writer
}

// simulate runs `passerelle sim`: a script (-script FILE, "-" for stdin) or
// an interactive session on stdin. It returns 1 when the content does not
// load or the store cannot be reached, 2 for bad flags, 0 otherwise.
func simulate(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	own := flag.NewFlagSet("sim", flag.ContinueOnError)
	own.SetOutput(stderr)
	mode := own.String("mode", "ussd", "what a typed line is: ussd (an answer in the USSD session) or sms (a text message)")
	lang := own.String("lang", "", "a language of the locale files (fr, en, …): the person has already chosen it (the language menu is skipped); empty: they choose on the first screen")
	phone := own.String("phone", simPhone, "the simulated person's number (E.164)")
	script := own.String("script", "", "play this script (internal/sim format; - for stdin) and print the transcript")
	redisURL := own.String("redis-url", "", "Redis to use under a random key prefix deleted at exit; empty: the embedded in-memory store")
	mine, rest := splitFlags(own, args)
	if err := own.Parse(mine); err != nil {
		return 2
	}
	ownHelp(own, "passerelle sim [-script FILE] [-mode ussd|sms] [-lang CODE] [-phone +237…] [-redis-url URL] [settings]", rest)
	from, err := msg.ParseAddress(*phone)
	if err != nil || (*mode != "ussd" && *mode != "sms") {
		fmt.Fprintln(stderr, "passerelle sim: want -mode ussd|sms, -phone an E.164 number")
		return 2
	}
	// The simulation never touches the configured Redis: only -redis-url.
	cfg, _, err := loadConfig("sim", rest, func(k string) string {
		if k == "PASSERELLE_REDIS_URL" {
			return ""
		}
		return getenv(k)
	})
	if err != nil {
		return configError(stderr, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, rep := lintContent(cfg, log)
	if c == nil {
		writeProblems(stderr, rep.Problems, "passerelle sim: ")
		return 1
	}
	if *lang != "" && !c.Catalog.HasLang(msg.Lang(*lang)) {
		fmt.Fprintf(stderr, "passerelle sim: -lang %q has no locale files (languages: %v)\n", *lang, c.Catalog.Languages())
		return 2
	}
	if len(rep.Problems) > 0 {
		writeProblems(stderr, rep.Problems, "lint: ")
		fmt.Fprintf(stderr, "lint: %d errors, %d warnings; the simulation runs anyway\n", rep.Count(content.SeverityError), rep.Count(content.SeverityWarning))
	}
	// Only -redis-url, never the configured Redis nor its sentinels or
	// cluster.
	cfg.RedisURL, cfg.RedisSentinelMaster, cfg.RedisSentinels, cfg.RedisCluster = *redisURL, "", nil, nil
	s, err := newSimulator(ctx, c, cfg, log, msg.Lang(*lang), stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "passerelle sim:", err)
		return 1
	}
	defer s.app.Close()
	if *script != "" {
		return s.runScript(ctx, *script, stdin, from)
	}
	return s.interactive(ctx, stdin, from, msg.Channel(*mode))
}

// newSimulator builds the application exactly as serve does (contact
// points, features, SMS shaping, flood limit, quotas), on a scratch store
// (the embedded one, or a random prefix of the Redis at cfg.RedisURL,
// deleted at exit), with a fixed clock, reference codes SIM001, SIM002, …
// and SMS that are shown instead of sent; every action a hop raises is
// shown.
func newSimulator(ctx context.Context, c *content.Content, cfg Config, log *slog.Logger, lang msg.Lang, out, errw io.Writer) (*simulator, error) {
	clock := sim.NewClock(simStart)
	var (
		mu   sync.Mutex
		sent []msg.Outbound
		n    int
	)
	a, err := app.New(ctx, cfg, app.Options{Log: log, Content: c, Scratch: true, Now: clock.Now,
		Ref: func() string { n++; return fmt.Sprintf("SIM%03d", n) }})
	if err != nil {
		return nil, err
	}
	s := &simulator{app: a, svc: a.Service, clock: clock, lang: lang,
		budget: cfg.USSDBudget, phones: map[msg.Address]*sim.Phone{}, out: out, errw: errw}
	record := outbox.SenderFunc(func(_ context.Context, m msg.Outbound) (string, error) {
		mu.Lock()
		sent = append(sent, m)
		mu.Unlock()
		return "sim-" + m.ID, nil
	})
	// The messages a hop queues are sent by a real outbox worker, drained
	// after the hop, to a sender that shows them.
	worker := a.WorkerWith(record, "sim", "sim")
	s.svc.OnEvent(func(ctx context.Context, _ chat.Hop, ev flow.Event) {
		line := "  ~ " + ev.Action
		if ev.Arg != "" {
			line += ":" + ev.Arg
		}
		if ev.Ref != "" {
			line += " ref " + ev.Ref
		}
		if st := ev.Answers[chat.AnsSMS]; flow.SendsSMS(ev.Action) && st != "" {
			line += " (" + st + ")"
		}
		fmt.Fprintln(out, line)
		if !flow.SendsSMS(ev.Action) {
			return
		}
		if _, err := worker.Drain(ctx); err != nil {
			fmt.Fprintf(errw, "passerelle sim: error sending queued messages: %v\n", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, m := range sent {
			fmt.Fprintf(out, "    sms to %s: %s\n    (%s)\n", m.To, strings.ReplaceAll(m.Text, "\n", "\n    "), smsCost(m.Text))
		}
		sent = sent[:0]
	})
	return s, nil
}

// phone returns the simulated phone of a number, the same one each time. A
// new person's language is remembered first when -lang was given.
func (s *simulator) phone(a msg.Address) *sim.Phone {
	if p, ok := s.phones[a]; ok {
		return p
	}
	if s.lang != "" {
		if err := s.app.Store.Commit(context.Background(), s.app.Hasher.Person(a), msg.Change{Lang: s.lang}); err != nil {
			fmt.Fprintf(s.errw, "passerelle sim: error setting the language of %s: %v\n", a, err)
		}
	}
	p := &sim.Phone{H: s.svc, From: a, Service: simService, Clock: s.clock}
	s.phones[a] = p
	return p
}

func (s *simulator) runScript(ctx context.Context, path string, stdin io.Reader, from msg.Address) int {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(s.errw, "passerelle sim: error opening the script:", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	if err := sim.Run(ctx, in, s.phone, from, s.out); err != nil {
		fmt.Fprintln(s.errw, "passerelle sim:", err)
		return 1
	}
	return 0
}

const simHelp = `Type an answer and Enter. Commands: dial (new USSD session), > TEXT (USSD answer),
sms TEXT (text message), retry, drop, wait 90s, phone +237…, help, quit.
Lines starting with ~ are what the gateway would do (nothing is sent).`

// interactive reads lines from in until "quit" or the end of input. A line
// that is no command is an answer in the USSD session (mode ussd) or an SMS.
func (s *simulator) interactive(ctx context.Context, in io.Reader, from msg.Address, mode msg.Channel) int {
	p := s.phone(from)
	fmt.Fprintf(s.out, "Passerelle simulator: %s as %s, USSD budget %d.\n%s\n", strings.ToUpper(string(mode)), from, s.budget, simHelp)
	last := mode // the channel of the last message, for retry
	if mode == msg.USSD {
		r, err := p.Dial(ctx)
		s.show(msg.USSD, r, err)
	}
	echo := !isTerminal(in) // typed lines show on a terminal; echo piped ones
	lines, readErr := readLines(ctx, in)
	for {
		fmt.Fprint(s.out, "> ")
		var (
			line string
			ok   bool
		)
		select {
		case <-ctx.Done(): // Ctrl-C
			fmt.Fprintln(s.out)
			return 0
		case line, ok = <-lines:
		}
		if !ok {
			break
		}
		line = strings.TrimSpace(line)
		if echo {
			fmt.Fprintln(s.out, line)
		}
		cmd, arg, _ := strings.Cut(line, " ")
		var (
			r   msg.Reply
			err error
			ch  = msg.USSD
		)
		switch {
		case line == "quit" || line == "exit":
			return 0
		case line == "help":
			fmt.Fprintln(s.out, simHelp)
			continue
		case line == "drop":
			p.Drop()
			fmt.Fprintln(s.out, "(session dropped; dial to call again)")
			continue
		case cmd == "wait":
			d, perr := time.ParseDuration(arg)
			if perr != nil {
				fmt.Fprintln(s.out, "wait: want a duration such as 90s or 25h")
				continue
			}
			s.clock.Advance(d)
			fmt.Fprintf(s.out, "(clock now %s)\n", s.clock.Now().Format(time.DateTime))
			continue
		case cmd == "phone":
			a, perr := msg.ParseAddress(arg)
			if perr != nil {
				fmt.Fprintln(s.out, "phone: want an E.164 number such as +237670000001")
				continue
			}
			p = s.phone(a)
			fmt.Fprintf(s.out, "(now %s)\n", a)
			continue
		case line == "dial":
			r, err = p.Dial(ctx)
		case line == "retry":
			ch = last
			r, err = p.Retry(ctx)
		case cmd == "sms":
			ch = msg.SMS
			r, err = p.SMS(ctx, arg)
		case strings.HasPrefix(line, ">"):
			r, err = p.Answer(ctx, strings.TrimSpace(line[1:]))
		case mode == msg.SMS:
			ch = msg.SMS
			r, err = p.SMS(ctx, line)
		default:
			r, err = p.Answer(ctx, line)
		}
		last = ch
		s.show(ch, r, err)
	}
	fmt.Fprintln(s.out)
	if err := *readErr; err != nil {
		fmt.Fprintln(s.errw, "passerelle sim: error reading input:", err)
		return 1
	}
	return 0
}

// readLines sends the lines of in on the channel, closed at the end of input
// or when ctx ends; the error it points to is set before the close.
func readLines(ctx context.Context, in io.Reader) (<-chan string, *error) {
	lines, errp := make(chan string), new(error)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		*errp = sc.Err()
	}()
	return lines, errp
}

// isTerminal tells whether r is a character device (a person typing).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// show draws a reply on a channel as a phone shows it: each message in a
// box, then its kind and cost.
func (s *simulator) show(ch msg.Channel, r msg.Reply, err error) {
	if err != nil {
		fmt.Fprintf(s.out, "  !! %v\n", err)
	}
	for _, m := range r.Messages {
		fmt.Fprint(s.out, box(m))
		switch {
		case ch == msg.SMS:
			fmt.Fprintf(s.out, "  SMS  %s\n", smsCost(m))
		case r.End:
			fmt.Fprintf(s.out, "  END  %s\n", ussdCost(m, s.budget))
		default:
			fmt.Fprintf(s.out, "  CON  %s\n", ussdCost(m, s.budget))
		}
	}
}

// box frames a text's lines.
func box(text string) string {
	lines := strings.Split(text, "\n")
	width := 0
	for _, l := range lines {
		width = max(width, len([]rune(l)))
	}
	var b strings.Builder
	b.WriteString("  ┌" + strings.Repeat("─", width+2) + "┐\n")
	for _, l := range lines {
		b.WriteString("  │ " + l + strings.Repeat(" ", width-len([]rune(l))) + " │\n")
	}
	b.WriteString("  └" + strings.Repeat("─", width+2) + "┘\n")
	return b.String()
}

// ussdCost is a USSD screen's length against the budget and its encoding.
func ussdCost(text string, budget int) string {
	info := smstext.Count(text)
	s := fmt.Sprintf("%d/%d chars, %s", info.Chars, budget, encodingName(info.Encoding))
	if info.Encoding == smstext.UCS2 && info.Chars > content.UCS2ScreenLimit {
		s += fmt.Sprintf(" (over %d: operators may cut it)", content.UCS2ScreenLimit)
	}
	return s
}

// smsCost is an SMS text's length, encoding and segments.
func smsCost(text string) string {
	info := smstext.Count(text)
	return fmt.Sprintf("%d chars, %s, %d SMS", info.Chars, encodingName(info.Encoding), info.Segments)
}
