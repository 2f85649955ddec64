package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/l10n"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/smstext"
)

// lintRegenerate is the command that writes docs/lint-report.md.
const lintRegenerate = "go run ./cmd/passerelle lint -markdown > docs/lint-report.md"

// lintUsage is lint's usage: its arguments and what a DIR argument checks.
const lintUsage = `passerelle lint [-json|-markdown] [-allow-unused] [settings] [DIR]

DIR is a draft to check instead of the configured flows, the same as -flows-dir DIR:
its *.yaml files are the flows (when it holds none, those of DIR/flows: the layout
draft/flows + draft/locales). The texts are DIR/locales when that directory exists,
so that a draft's new texts are checked with its flows; else the configured ones
(PASSERELLE_LOCALES_DIR, or the built-in copies). -locales-dir, when given, wins.
Lint says on stderr which directories it checked.`

// lint checks the flows and locales and prints the report (content.Report)
// as a table, JSON (-json) or Markdown (-markdown). An argument names a draft
// directory (see lintUsage). It returns 1 when the report holds an error, 2
// for bad flags or arguments, 0 otherwise.
func lint(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	own := flag.NewFlagSet("lint", flag.ContinueOnError)
	own.SetOutput(stderr)
	asJSON := own.Bool("json", false, "print the report as JSON (see docs/lint.md)")
	asMarkdown := own.Bool("markdown", false, "print the report as Markdown (docs/lint-report.md)")
	allowUnused := own.Bool("allow-unused", false, "report unused messages as warnings, not errors")
	mine, rest := splitFlags(own, args)
	if err := own.Parse(mine); err != nil {
		return 2
	}
	settings, dirs := splitArgs(rest)
	ownHelp(own, lintUsage, settings)
	if *asJSON && *asMarkdown {
		fmt.Fprintln(stderr, "passerelle lint: -json and -markdown exclude each other")
		return 2
	}
	cfg, fset, err := loadConfig("lint", settings, getenv)
	if err != nil {
		return configError(stderr, err)
	}
	switch len(dirs) {
	case 0:
	case 1:
		given := map[string]bool{}
		fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
		if err := lintDir(&cfg, given, dirs[0]); err != nil {
			fmt.Fprintf(stderr, "passerelle lint: %v\nusage: %s\n", err, lintUsage)
			return 2
		}
		texts := cfg.LocalesDir
		if texts == "" {
			texts = "the built-in copies"
		}
		fmt.Fprintf(stderr, "passerelle lint: flows in %s, texts in %s\n", cfg.FlowsDir, texts)
	default:
		fmt.Fprintf(stderr, "passerelle lint: want one directory, got %d arguments (%s)\nusage: %s\n", len(dirs), strings.Join(dirs, " "), lintUsage)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, rep := lintContent(cfg, log)
	if c != nil {
		addProblems(&rep, contactProblems(c, cfg.ContactsFile))
	}
	if *allowUnused {
		for i, p := range rep.Problems {
			if p.Kind == content.KindUnused {
				rep.Problems[i].Severity = content.SeverityWarning
			}
		}
	}
	switch {
	case *asJSON:
		err = writeJSON(stdout, rep)
	case *asMarkdown:
		err = writeMarkdown(stdout, rep)
	default:
		err = writeTable(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "passerelle lint:", err)
		return 1
	}
	if rep.Count(content.SeverityError) > 0 {
		return 1
	}
	return 0
}

// lintContent loads the configured flows and locales and reports on them.
// The content is nil when the files do not load; the report says why.
func lintContent(cfg Config, log *slog.Logger) (*content.Content, content.Report) {
	f, l := app.ContentFS(cfg)
	c, err := content.Load(f, l, log)
	if err != nil {
		return nil, content.Failed(cfg.USSDBudget, err)
	}
	return c, c.Report(cfg.USSDBudget, chat.Messages)
}

// addProblems adds problems to a report, keeping its errors first.
func addProblems(rep *content.Report, probs []content.Problem) {
	rep.Problems = append(rep.Problems, probs...)
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		return rep.Problems[i].Severity == content.SeverityError && rep.Problems[j].Severity != content.SeverityError
	})
}

// lintedContacts are the contact points lint warns about when texts show
// them and the contacts file leaves them empty, with what people miss then.
var lintedContacts = []struct{ kind, name, miss string }{
	{"hotline", "the hotline", "people in danger get no help line to call, only the urgent call-back"},
	{"emergency", "the emergency number", "the emergency page gives no number to dial"},
}

// contactProblems checks the contacts file (file; "" for none) against the
// content: an error when it cannot be read, and a warning for each contact
// point of lintedContacts that some text shows and that is empty for the
// default entry or for a region the flows offer.
func contactProblems(c *content.Content, file string) []content.Problem {
	d, err := contacts.Load(file)
	if err != nil {
		return []content.Problem{{Severity: content.SeverityError, Kind: content.KindContact, File: file, Text: err.Error()}}
	}
	regions := flowRegions(c)
	var out []content.Problem
	for _, lc := range lintedContacts {
		shown := showing(c, lc.kind)
		if len(shown) == 0 {
			continue
		}
		empty := d.Empty(lc.kind, regions)
		if len(empty) == 0 {
			continue
		}
		where := "everywhere (the default entry and every region)"
		if len(empty) < len(regions)+1 {
			if empty[0] == "default" {
				empty[0] = "the default entry"
			}
			where = "for " + strings.Join(empty, ", ")
		}
		text := fmt.Sprintf("%s is empty %s: %s (texts: %s); set %q in the contacts file, see deploy/contacts.yaml",
			lc.name, where, lc.miss, strings.Join(shown, ", "), lc.kind)
		if file == "" {
			text = "no contacts file (PASSERELLE_CONTACTS_FILE): " + text
		}
		out = append(out, content.Problem{Severity: content.SeverityWarning, Kind: content.KindContact, File: file, Text: text})
	}
	return out
}

// flowRegions returns the regions people can give: the values of every menu
// saving the "region" answer, sorted, each once.
func flowRegions(c *content.Content) []string {
	seen := map[string]bool{}
	var out []string
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Type != flow.Menu || n.Save != "region" {
			continue
		}
		for _, o := range n.Options {
			if o.Value != "" && !seen[o.Value] {
				seen[o.Value] = true
				out = append(out, o.Value)
			}
		}
	}
	sort.Strings(out)
	return out
}

// showing returns the IDs of the messages that show the contact point kind
// in some reference language, sorted: those whose text, filled with every
// contact point set, holds kind's.
func showing(c *content.Content, kind string) []string {
	const mark = "\x00contact:%s\x00"
	d := &contacts.Directory{Default: map[string]string{}}
	for _, k := range contacts.Kinds {
		d.Default[k] = fmt.Sprintf(mark, k)
	}
	r := render.New(c.Catalog, c.Set, 0).WithContacts(d)
	seen := map[string]bool{}
	var out []string
	for _, l := range l10n.Langs {
		for _, id := range c.Catalog.IDs(l) {
			if !seen[id] && !c.Catalog.Plain(l, id) && strings.Contains(r.Message(l, id, nil), fmt.Sprintf(mark, kind)) {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// lintDir points cfg at the draft in dir (see lintUsage); given holds the
// settings set on the command line. It returns an error for a dir that is
// not a directory or given together with -flows-dir.
func lintDir(cfg *Config, given map[string]bool, dir string) error {
	if given["flows-dir"] {
		return fmt.Errorf("%s and -flows-dir %s both name the flows: give one", dir, cfg.FlowsDir)
	}
	if !isDir(dir) {
		return fmt.Errorf("%q is not a directory", dir)
	}
	cfg.FlowsDir = dir
	if !hasYAML(dir) && isDir(filepath.Join(dir, "flows")) {
		cfg.FlowsDir = filepath.Join(dir, "flows")
	}
	if l := filepath.Join(dir, "locales"); !given["locales-dir"] && isDir(l) {
		cfg.LocalesDir = l
	}
	return nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// hasYAML tells whether dir holds a *.yaml file (a flow file).
func hasYAML(dir string) bool {
	es, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range es {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			return true
		}
	}
	return false
}

// splitArgs separates the positional arguments from the settings in args,
// which splitFlags left. Every setting takes a value ("-x v" or "-x=v"), so
// the word after a setting is its value; everything after "--" is
// positional.
func splitArgs(args []string) (settings, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return settings, append(positional, args[i+1:]...)
		case len(a) > 1 && a[0] == '-':
			settings = append(settings, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && name != "h" && name != "help" && i+1 < len(args) {
				i++
				settings = append(settings, args[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	return settings, positional
}

// splitFlags separates the flags own defines (in any position, "-x", "--x",
// "-x=v" or "-x v") from the rest of args, which go to loadConfig.
func splitFlags(own *flag.FlagSet, args []string) (mine, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return mine, append(rest, args[i:]...)
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := own.Lookup(name)
		if !strings.HasPrefix(a, "-") || f == nil {
			rest = append(rest, a)
			continue
		}
		mine = append(mine, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); (!ok || !b.IsBoolFlag()) && !hasValue && i+1 < len(args) {
			i++
			mine = append(mine, args[i])
		}
	}
	return mine, rest
}

func writeJSON(w io.Writer, rep content.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("error writing the report: %w", err)
	}
	return nil
}

// writeTable writes the measures, then the problems and a summary, so the
// problems are what stays on the terminal.
func writeTable(w io.Writer, rep content.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MESSAGE\tLANG\tCHARS\tENCODING\tSEGMENTS")
	for _, m := range rep.Messages {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\n", m.ID, m.Lang, m.Chars, encodingName(m.Encoding), m.Segments)
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "USSD SCREEN\tLANG\tPAGES\tLONGEST\tFITS %d\tUCS-2\n", rep.Budget)
	for _, s := range rep.Screens {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", s.Node, s.Lang, s.Pages, s.Longest, yesNo(s.Fits), yesNo(s.UCS2))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "LANGUAGE\tKIND\tTEXTS\tMISSING\tMISSING TEXTS SHOW")
	for _, l := range rep.Languages {
		kind, shown := "reference", "(an error)"
		if !l.Reference {
			kind, shown = "partial", string(l.Fallback)
		}
		if len(l.Missing) == 0 {
			shown = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", l.Lang, kind, l.Texts, len(l.Missing), shown)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("error writing the report: %w", err)
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w)
	}
	writeProblems(w, rep.Problems, "")
	_, err := fmt.Fprintf(w, "\n%d messages, %d USSD screens at a budget of %d: %d errors, %d warnings\n",
		len(rep.Messages), len(rep.Screens), rep.Budget, rep.Count(content.SeverityError), rep.Count(content.SeverityWarning))
	if err != nil {
		return fmt.Errorf("error writing the report: %w", err)
	}
	return nil
}

// writeProblems writes one problem a line, each line starting with prefix.
func writeProblems(w io.Writer, probs []content.Problem, prefix string) {
	for _, p := range probs {
		fmt.Fprintln(w, prefix+p.String())
	}
}

// writeMarkdown writes the report as docs/lint-report.md, one column per
// language.
func writeMarkdown(w io.Writer, rep content.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Lint report\n\nWhat `passerelle lint` measures on the shipped flows and locales, at a USSD budget of %d characters. "+
		"Generated, do not edit; regenerate with\n\n```sh\n%s\n```\n\nThe columns and the JSON form are described in [lint.md](lint.md).\n\n## Problems\n\n",
		rep.Budget, lintRegenerate)
	if len(rep.Problems) == 0 {
		b.WriteString("None.\n")
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "- %s\n", mdEscape(p.String()))
	}
	langs := reportLangs(rep)
	if len(langs) > len(l10n.Langs) {
		b.WriteString("\n## Languages\n\nFrench and English must have every text; another language may lack some, shown in its fallback language instead.\n\n")
		b.WriteString("| language | texts | missing | missing texts show |\n|---|---|---|---|\n")
		for _, l := range rep.Languages {
			shown := "—"
			if len(l.Missing) > 0 {
				shown = string(l.Fallback)
				if l.Reference {
					shown = "**error**"
				}
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", l.Lang, l.Texts, len(l.Missing), shown)
		}
	}
	b.WriteString("\n## Messages as SMS\n\nCharacters, encoding and SMS segments of every message; a template is filled with the longest answers a person could give.\n\n")
	b.WriteString(mdHeader("message", langs))
	byID := map[string]map[msg.Lang]string{}
	var ids []string
	for _, m := range rep.Messages {
		if byID[m.ID] == nil {
			byID[m.ID] = map[msg.Lang]string{}
			ids = append(ids, m.ID)
		}
		byID[m.ID][m.Lang] = fmt.Sprintf("%d, %s, %d SMS", m.Chars, encodingName(m.Encoding), m.Segments)
		if m.Segments > 1 || m.Encoding == smstext.UCS2 {
			byID[m.ID][m.Lang] = "**" + byID[m.ID][m.Lang] + "**"
		}
	}
	for _, id := range ids {
		b.WriteString(mdRow("`"+id+"`", byID[id], langs))
	}
	fmt.Fprintf(&b, "\n## USSD screens\n\nPages of every screen filled with the longest answers and paged at %d characters, and its longest page. "+
		"A UCS-2 page (one character outside GSM-7) over %d characters is a warning: operators may cut it.\n\n", rep.Budget, content.UCS2ScreenLimit)
	b.WriteString(mdHeader("node", langs))
	byNode := map[string]map[msg.Lang]string{}
	var nodes []string
	for _, s := range rep.Screens {
		if byNode[s.Node] == nil {
			byNode[s.Node] = map[msg.Lang]string{}
			nodes = append(nodes, s.Node)
		}
		cell := fmt.Sprintf("%d pages, longest %d", s.Pages, s.Longest)
		if s.Pages == 1 {
			cell = fmt.Sprintf("1 page of %d", s.Longest)
		}
		if s.UCS2 {
			cell += ", UCS-2"
		}
		if !s.Fits {
			cell = "**" + cell + ", over budget**"
		}
		byNode[s.Node][s.Lang] = cell
	}
	for _, n := range nodes {
		b.WriteString(mdRow("`"+n+"`", byNode[n], langs))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("error writing the report: %w", err)
	}
	return nil
}

// reportLangs returns the languages of a report, one column each in
// Markdown: the reference languages, then the others.
func reportLangs(rep content.Report) []msg.Lang {
	if len(rep.Languages) == 0 {
		return l10n.Langs
	}
	out := make([]msg.Lang, len(rep.Languages))
	for i, l := range rep.Languages {
		out[i] = l.Lang
	}
	return out
}

func mdHeader(first string, langs []msg.Lang) string {
	h, sep := "| "+first+" |", "|---|"
	for _, l := range langs {
		h += " " + string(l) + " |"
		sep += "---|"
	}
	return h + "\n" + sep + "\n"
}

func mdRow(first string, cells map[msg.Lang]string, langs []msg.Lang) string {
	row := "| " + first + " |"
	for _, l := range langs {
		c := cells[l]
		if c == "" {
			c = "—"
		}
		row += " " + c + " |"
	}
	return row + "\n"
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func encodingName(e smstext.Encoding) string {
	if e == smstext.UCS2 {
		return "UCS-2"
	}
	return "GSM-7"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// ownHelp prints the command's own flags when args ask for help; loadConfig
// then prints the settings and returns flag.ErrHelp.
func ownHelp(own *flag.FlagSet, usage string, args []string) {
	for _, a := range args {
		if a == "--" {
			return
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fmt.Fprintln(own.Output(), "usage:", usage)
			own.PrintDefaults()
			fmt.Fprintln(own.Output(), "settings (each also an environment variable):")
			return
		}
	}
}
