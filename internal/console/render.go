package console

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// templates holds every page, each parsed once with the layout.
type templates struct{ pages map[string]*template.Template }

// funcs are the templates' helpers; texts come from .L (lang.go).
var funcs = template.FuncMap{
	"num": num,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"list": func(s ...string) []string { return s },
}

// num writes a count with thin groups of three digits (12 345).
func num(n any) string {
	v := toInt64(n)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// parseTemplates parses the layout with each page; a broken template
// stops the program at start-up (and every test).
func parseTemplates() *templates {
	t := &templates{pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t.pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n))
	}
	return t
}

// view is what every page's template gets.
type view struct {
	L     loc
	Base  string
	Title string
	S     *session
	Nav   []navLink
	// Back is the page's own path, for the language switch.
	Back string
	// Refresh, when set, reloads the page after that many seconds (a
	// campaign sending), without JavaScript.
	Refresh int
	// Script loads the console's small script (the live text count).
	Script bool
	Flash  string
	Data   any
}

// navLink is one entry of the header's menu.
type navLink struct {
	Href, Label string
	Active      bool
}

// nav lists the pages the role may see.
func (c *Console) nav(l loc, s *session, current string) []navLink {
	if s == nil {
		return nil
	}
	var out []navLink
	for _, p := range []struct {
		path, key string
		need      perm
		on        bool
	}{
		{"/", "nav.overview", permCounts, c.cfg.Stats != nil},
		{"/registrations", "nav.registrations", permPeople, c.cfg.Registry != nil},
		{"/callbacks", "nav.callbacks", permPeople, c.cfg.Callbacks != nil},
		{"/campaigns", "nav.campaigns", permCampaigns, c.cfg.Campaigns != nil},
		{"/flows", "nav.flows", permCounts, c.cfg.Lint != nil || c.cfg.Simulator != nil},
		{"/audit", "nav.audit", permAdmin, c.cfg.Audit != nil},
		{"/accounts", "nav.accounts", permAdmin, true},
	} {
		if p.on && allows(s.Role, p.need) {
			active := current == p.path || p.path != "/" && strings.HasPrefix(current, p.path)
			out = append(out, navLink{Href: c.path(p.path), Label: l.T(p.key), Active: active})
		}
	}
	return out
}

// render writes page name with the layout; title is a text key.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, name, title string, data any) {
	c.renderView(w, r, status, name, c.view(r, s, title, data))
}

// view returns the common part of a page.
func (c *Console) view(r *http.Request, s *session, title string, data any) view {
	l := language(r)
	return view{L: l, Base: c.cfg.Base, Title: l.T(title), S: s, Nav: c.nav(l, s, strings.TrimPrefix(r.URL.Path, c.cfg.Base)),
		Back: r.URL.RequestURI(), Flash: flash(l, r.URL.Query().Get("done")), Data: data}
}

// flash is the message of ?done=WHAT after an action, or "".
func flash(l loc, done string) string {
	switch done {
	case "erased", "assigned", "closed", "created", "start", "pause", "resume", "cancel",
		"account_added", "account_deleted", "account_unlocked":
		return l.T("flash." + done)
	}
	return ""
}

// renderView writes a page built by view.
func (c *Console) renderView(w http.ResponseWriter, _ *http.Request, status int, name string, v view) {
	var b bytes.Buffer
	if err := c.tmpl.pages[name].ExecuteTemplate(&b, "layout", v); err != nil {
		c.log.Error("console template failed", "page", name, "err", err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// errorPage answers status with a short explanation (a text key).
func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, s *session, status int, key string) {
	c.render(w, r, s, status, "error", "error.title", key)
}
