package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/smstext"
)

// campaignUsage heads `passerelle campaign -h`; the flags follow.
const campaignUsage = `usage: passerelle campaign [flags] VERB [ARG] [flags]

Drives outreach campaigns through the gateway's admin API.

verbs:
  create FILE   create a campaign from its JSON (- for stdin); prints its id and state
  list          every campaign: id, name, state, audience and counters
  show ID       a campaign's settings, texts and counters
  preview ID    per language: recipients, characters, encoding, segments as written
                and shaped to GSM-7; totals, cost and saving
  start ID      start (or schedule) a draft campaign
  pause ID      pause a scheduled or sending campaign
  resume ID     resume a paused campaign
  cancel ID     cancel a campaign for good
  watch ID      print its progress every -every until it is done or cancelled

Flags go before or after the verb. The token is read from $PASSERELLE_ADMIN_TOKEN
(better than -token, which other users of the machine can see); it is never printed.
Exit status: 0 done, 1 the API refused or could not be reached, 2 bad usage or input.

flags:
`

// campaignTimeout bounds one call to the admin API.
const campaignTimeout = 30 * time.Second

// campaignCounts are a campaign's figures, as the admin API sends them.
type campaignCounts = broadcast.Counts

// campaignStatus is a campaign as GET /admin/campaigns/ID answers it.
type campaignStatus struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	State    string            `json:"state"`
	Texts    map[string]string `json:"texts"`
	Fallback string            `json:"fallback"`
	Audience struct {
		Registered     bool     `json:"registered"`
		Subscribers    bool     `json:"subscribers"`
		Lang           []string `json:"lang"`
		Region         []string `json:"region"`
		Situation      []string `json:"situation"`
		Sector         []string `json:"sector"`
		Stage          []string `json:"stage"`
		RegisteredFrom string   `json:"registered_from"`
		RegisteredTo   string   `json:"registered_to"`
	} `json:"audience"`
	StartAt string  `json:"start_at"`
	Rate    float64 `json:"rate"`
	Reply   *struct {
		Flow   string `json:"flow"`
		Node   string `json:"node"`
		Window string `json:"window"`
	} `json:"reply"`
	ResendUnknown bool           `json:"resend_unknown"`
	Created       string         `json:"created"`
	Updated       string         `json:"updated"`
	Counts        campaignCounts `json:"counts"`
}

// campaignVerbs maps each verb to its number of arguments.
var campaignVerbs = map[string]int{
	"create": 1, "list": 0, "show": 1, "preview": 1, "watch": 1,
	"start": 1, "pause": 1, "resume": 1, "cancel": 1,
}

// campaign runs `passerelle campaign`, a client of the gateway's admin API;
// it reads stdin for `create -`. It returns 0 when done, 1 when the API
// refused or could not be reached, 2 for bad usage or input.
func campaign(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return campaignIO(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// campaignIO is campaign with its standard input passed in.
func campaignIO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	out, errw := &redactor{w: stdout}, &redactor{w: stderr}
	errw.hide(getenv("PASSERELLE_ADMIN_TOKEN"))
	out.hide(getenv("PASSERELLE_ADMIN_TOKEN"))
	fs := flag.NewFlagSet("campaign", flag.ContinueOnError)
	fs.SetOutput(errw)
	base := fs.String("url", "", "admin API base URL (default $PASSERELLE_ADMIN_URL, else http://127.0.0.1:8080)")
	token := fs.String("token", "", "admin bearer token (default $PASSERELLE_ADMIN_TOKEN)")
	watch := fs.Bool("watch", false, "after start or resume, print the progress until the campaign is done or cancelled")
	every := fs.Duration("every", 2*time.Second, "how often watch and -watch ask for the progress")
	asJSON := fs.Bool("json", false, "print the API's JSON answer instead of text (not for watch)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), campaignUsage)
		fs.PrintDefaults()
	}
	pos, err := parseAnywhere(fs, args)
	errw.hide(*token)
	out.hide(*token)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		return 2
	case len(pos) == 1 && pos[0] == "help":
		fs.SetOutput(out)
		fs.Usage()
		return 0
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(errw, "passerelle campaign: "+format+"\n", a...)
		fmt.Fprintln(errw, "usage: passerelle campaign [flags] create FILE | list | show|preview|start|pause|resume|cancel|watch ID; -h for help")
		return 2
	}
	if len(pos) == 0 {
		return usage("want a verb")
	}
	verb, rest := pos[0], pos[1:]
	n, ok := campaignVerbs[verb]
	switch {
	case !ok:
		return usage("unknown verb %q", verb)
	case len(rest) != n:
		return usage("%s wants %d argument(s), got %d", verb, n, len(rest))
	case n == 1 && rest[0] == "":
		return usage("%s: empty argument", verb)
	case *every <= 0:
		return usage("-every must be positive")
	}
	c, err := newAdminClient(*base, *token, getenv)
	if err != nil {
		return usage("%v", err)
	}
	r := campaignRunner{c: c, out: out, errw: errw, json: *asJSON, every: *every}
	switch verb {
	case "create":
		body, err := readCampaignFile(rest[0], stdin)
		if err != nil {
			return usage("%v", err)
		}
		return r.create(ctx, body)
	case "list":
		return r.list(ctx)
	case "show":
		return r.show(ctx, rest[0])
	case "preview":
		return r.preview(ctx, rest[0])
	case "watch":
		return r.watch(ctx, rest[0])
	}
	return r.act(ctx, verb, rest[0], *watch && (verb == "start" || verb == "resume"))
}

// parseAnywhere parses fs's flags wherever they are among args and returns
// the other arguments; after "--" every argument is one of them.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(pos, left...), nil
		}
		if len(left) == 0 {
			return pos, nil
		}
		pos, args = append(pos, left[0]), left[1:]
	}
}

// readCampaignFile reads a campaign's JSON from the file name, or stdin
// for "-", and checks it is JSON.
func readCampaignFile(name string, stdin io.Reader) ([]byte, error) {
	var body []byte
	var err error
	if name == "-" {
		body, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
	} else {
		body, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("error reading the campaign: %w", err)
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("error reading the campaign: %s is not JSON", name)
	}
	return body, nil
}

// adminClient calls the gateway's admin API.
type adminClient struct {
	base  string // scheme, host and any path prefix, without a trailing slash
	token string
	http  *http.Client
}

// newAdminClient returns a client of the admin API at base (else
// $PASSERELLE_ADMIN_URL, else http://127.0.0.1:8080) with token (else
// $PASSERELLE_ADMIN_TOKEN).
func newAdminClient(base, token string, getenv func(string) string) (*adminClient, error) {
	base = cmp.Or(base, getenv("PASSERELLE_ADMIN_URL"), "http://127.0.0.1:8080")
	token = cmp.Or(token, getenv("PASSERELLE_ADMIN_TOKEN"))
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("bad admin URL: want http(s)://host[:port][/prefix]")
	}
	if token == "" {
		return nil, errors.New("no admin token: set PASSERELLE_ADMIN_TOKEN (or -token)")
	}
	return &adminClient{base: strings.TrimRight(u.String(), "/"), token: token, http: &http.Client{Timeout: campaignTimeout}}, nil
}

// apiError is an error answer of the admin API.
type apiError struct {
	status string // "404 Not Found"
	msg    string
}

func (e *apiError) Error() string { return e.status + ": " + e.msg }

// call sends method path (body, if any, is JSON), decodes the JSON answer
// into v unless v is nil or the answer empty, and returns the answer; a 4xx
// or 5xx answer is an *apiError.
func (c *adminClient) call(ctx context.Context, method, path string, body []byte, v any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("error making the request %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("error calling %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("error reading the answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(answer, &e) != nil || e.Error == "" {
			e.Error = cmp.Or(oneLine(string(answer), 200), "(no message)")
		}
		return nil, &apiError{status: resp.Status, msg: oneLine(e.Error, 500)}
	}
	if v != nil && len(bytes.TrimSpace(answer)) > 0 {
		if err := json.Unmarshal(answer, v); err != nil {
			return nil, fmt.Errorf("error reading the answer of %s %s: %w", method, path, err)
		}
	}
	return answer, nil
}

// campaignPath is the admin path of campaign id, then of its parts.
func campaignPath(id string, parts ...string) string {
	return "/admin/campaigns/" + url.PathEscape(id) + strings.Join(parts, "")
}

// campaignRunner runs one verb and prints its outcome.
type campaignRunner struct {
	c         *adminClient
	out, errw io.Writer
	json      bool
	every     time.Duration
}

// fail prints err and returns exit status 1.
func (r campaignRunner) fail(err error) int {
	fmt.Fprintf(r.errw, "passerelle campaign: %v\n", err)
	return 1
}

// raw prints a JSON answer indented, when -json asks for it.
func (r campaignRunner) raw(answer []byte) bool {
	if !r.json {
		return false
	}
	var b bytes.Buffer
	if json.Indent(&b, answer, "", "  ") != nil {
		b.Reset()
		b.Write(answer)
	}
	fmt.Fprintln(r.out, strings.TrimRight(b.String(), "\n"))
	return true
}

func (r campaignRunner) create(ctx context.Context, body []byte) int {
	var st campaignStatus
	answer, err := r.c.call(ctx, http.MethodPost, "/admin/campaigns", body, &st)
	if err != nil {
		return r.fail(err)
	}
	if !r.raw(answer) {
		fmt.Fprintf(r.out, "created %s\n%s\n", st.ID, progressLine(st))
	}
	return 0
}

func (r campaignRunner) list(ctx context.Context) int {
	var page struct {
		Items []campaignStatus `json:"items"`
	}
	answer, err := r.c.call(ctx, http.MethodGet, "/admin/campaigns", nil, &page)
	if err != nil {
		return r.fail(err)
	}
	if r.raw(answer) {
		return 0
	}
	if len(page.Items) == 0 {
		fmt.Fprintln(r.out, "no campaigns")
		return 0
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATE\tAUDIENCE\tSENT\tDELIVERED\tFAILED\tSKIPPED")
	for _, st := range page.Items {
		n := st.Counts
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", oneLine(st.ID, 40), oneLine(st.Name, 40), st.State,
			n.Audience, n.Sent, n.Delivered, n.Failed, n.Skipped)
	}
	return flushOr(tw, r)
}

func (r campaignRunner) show(ctx context.Context, id string) int {
	var st campaignStatus
	answer, err := r.c.call(ctx, http.MethodGet, campaignPath(id), nil, &st)
	if err != nil {
		return r.fail(err)
	}
	if r.raw(answer) {
		return 0
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	row("id", st.ID)
	row("name", oneLine(st.Name, 200))
	row("state", st.State)
	row("created", st.Created)
	row("updated", st.Updated)
	row("start at", cmp.Or(st.StartAt, "when started"))
	row("rate", strconv.FormatFloat(st.Rate, 'f', -1, 64)+" messages a second")
	row("fallback", st.Fallback)
	for _, lang := range slices.Sorted(maps.Keys(st.Texts)) {
		row("text "+lang, strconv.Quote(st.Texts[lang]))
	}
	row("audience", audienceLine(st))
	if st.Reply != nil {
		row("reply", fmt.Sprintf("%s:%s within %s", st.Reply.Flow, st.Reply.Node, st.Reply.Window))
	} else {
		row("reply", "none")
	}
	row("resend unknown", yesNo(st.ResendUnknown))
	fmt.Fprintln(tw, "counts:") // a line without a cell: the counts align on their own
	n := st.Counts
	for _, c := range []struct {
		k string
		v int64
	}{
		{"audience", n.Audience}, {"queued", n.Queued}, {"sent", n.Sent}, {"delivered", n.Delivered},
		{"failed", n.Failed}, {"undelivered", n.Undelivered}, {"skipped", n.Skipped},
		{"deferred (quiet hours)", n.DeferredQuiet}, {"deferred (in a session)", n.DeferredSession},
		{"unknown", n.Unknown}, {"dead", n.Dead}, {"cancelled", n.Cancelled}, {"replies", n.Replies},
	} {
		row("  "+c.k, c.v)
	}
	return flushOr(tw, r)
}

// audienceLine says whom a campaign reaches.
func audienceLine(st campaignStatus) string {
	a := st.Audience
	var who []string
	if a.Registered {
		who = append(who, "registered people")
	}
	if a.Subscribers {
		who = append(who, "subscribers")
	}
	parts := []string{cmp.Or(strings.Join(who, " and "), "nobody")}
	for _, f := range []struct {
		k string
		v []string
	}{{"lang", a.Lang}, {"region", a.Region}, {"situation", a.Situation}, {"sector", a.Sector}, {"stage", a.Stage}} {
		if len(f.v) > 0 {
			parts = append(parts, f.k+" "+strings.Join(f.v, ","))
		}
	}
	if a.RegisteredFrom != "" || a.RegisteredTo != "" {
		parts = append(parts, "registered "+cmp.Or(a.RegisteredFrom, "…")+" to "+cmp.Or(a.RegisteredTo, "…"))
	}
	return strings.Join(parts, "; ")
}

func (r campaignRunner) preview(ctx context.Context, id string) int {
	var p broadcast.Preview
	answer, err := r.c.call(ctx, http.MethodGet, campaignPath(id, "/preview"), nil, &p)
	if err != nil {
		return r.fail(err)
	}
	if r.raw(answer) {
		return 0
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LANG\tRECIPIENTS\tCHARS\tENCODING\tSEGMENTS\tSHAPED\tTEXT")
	for _, lang := range slices.Sorted(maps.Keys(p.Langs)) {
		lp := p.Langs[lang]
		text := "its own"
		if lp.Fallback {
			text = p.Fallback + "'s (fallback)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%s\n", cmp.Or(lang, "(none)"), lp.Recipients, lp.Text.Chars,
			encodingName(smstext.Encoding(lp.Text.Encoding)), lp.Text.Segments, lp.Shaped.Segments, text)
	}
	fmt.Fprintf(tw, "total\t%d\t\t\t%d\t%d\n", p.Audience, p.Segments, p.ShapedSegments)
	if code := flushOr(tw, r); code != 0 {
		return code
	}
	if p.PricePerSegment == 0 {
		fmt.Fprintln(r.out, "cost: no price per segment is set")
		return 0
	}
	cur := ""
	if p.Currency != "" {
		cur = " " + p.Currency
	}
	fmt.Fprintf(r.out, "cost: %d segments × %s%s = %s%s\n", p.Segments, strconv.FormatFloat(p.PricePerSegment, 'f', -1, 64), cur, money(p.Cost), cur)
	fmt.Fprintf(r.out, "shaped to GSM-7: %d segments = %s%s, saving %s%s\n", p.ShapedSegments, money(p.ShapedCost), cur, money(p.Saving), cur)
	return 0
}

// money writes an amount rounded to the hundredth, without trailing zeros.
func money(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// pastTense is what each action prints once done.
var pastTense = map[string]string{"start": "started", "pause": "paused", "resume": "resumed", "cancel": "cancelled"}

// act posts action verb to campaign id, prints the outcome and, with
// follow, watches the campaign.
func (r campaignRunner) act(ctx context.Context, verb, id string, follow bool) int {
	var st campaignStatus
	answer, err := r.c.call(ctx, http.MethodPost, campaignPath(id, "/", verb), nil, &st)
	if err != nil {
		return r.fail(err)
	}
	if !r.raw(answer) {
		fmt.Fprintf(r.out, "%s %s\n", pastTense[verb], id)
		if !follow {
			if st.State == "" { // the answer is not the campaign: ask for it
				if _, err := r.c.call(ctx, http.MethodGet, campaignPath(id), nil, &st); err != nil {
					return r.fail(err)
				}
			}
			fmt.Fprintln(r.out, progressLine(st))
		}
	}
	if follow {
		return r.watch(ctx, id)
	}
	return 0
}

// watch prints campaign id's progress every r.every until it is done or
// cancelled; it returns 1 on an error or when ctx ends first.
func (r campaignRunner) watch(ctx context.Context, id string) int {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		var st campaignStatus
		if _, err := r.c.call(ctx, http.MethodGet, campaignPath(id), nil, &st); err != nil {
			return r.fail(err)
		}
		fmt.Fprintln(r.out, progressLine(st))
		if st.State == "done" || st.State == "cancelled" {
			return 0
		}
		select {
		case <-ctx.Done():
			return r.fail(errors.New("interrupted"))
		case <-t.C:
		}
	}
}

// progressLine is one line of a campaign's progress.
func progressLine(st campaignStatus) string {
	n := st.Counts
	return fmt.Sprintf("state %s: %d/%d queued, %d sent, %d delivered, %d failed, %d skipped, %d deferred, %d unknown",
		st.State, n.Queued, n.Audience, n.Sent, n.Delivered, n.Failed, n.Skipped, n.DeferredQuiet+n.DeferredSession, n.Unknown)
}

// flushOr flushes tw and returns 0, or prints the error and returns 1.
func flushOr(tw *tabwriter.Writer, r campaignRunner) int {
	if err := tw.Flush(); err != nil {
		return r.fail(fmt.Errorf("error writing: %w", err))
	}
	return 0
}

// oneLine returns s on one line, without control characters, cut to limit
// runes.
func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}

// redactor writes to w with every secret it hides replaced.
type redactor struct {
	w       io.Writer
	secrets []string
}

// hide adds secret to what r replaces; the empty string is ignored.
func (r *redactor) hide(secret string) {
	if secret != "" && !slices.Contains(r.secrets, secret) {
		r.secrets = append(r.secrets, secret)
	}
}

func (r *redactor) Write(p []byte) (int, error) {
	s := string(p)
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}
