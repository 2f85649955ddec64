package console

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/web"
)

// registrationsPageSize is how many registrations a page lists.
const registrationsPageSize = 25

// registrationsData is the registrations page.
type registrationsData struct {
	Options    map[string][]string // the values each filter offers
	Selected   map[string]string   // the value chosen for each filter
	Items      []msg.Registration
	Total      int
	Prev, Next string // links to the previous and next pages ("" for none)
	From, To   int
}

// registrations answers GET /registrations?region=&situation=&sector=&lang=&offset=:
// a page of registrations, newest first (an audited read of personal data).
func (c *Console) registrations(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	f := msg.Filter{Region: q.Get("region"), Situation: q.Get("situation"), Sector: q.Get("sector"),
		Lang: msg.Lang(q.Get("lang")), Limit: registrationsPageSize}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = max(0, min(f.Offset, 1<<30))
	items, total, err := c.cfg.Registry.Registrations(r.Context(), f)
	if err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "read_registrations", "filter", f.AuditText())
	d := registrationsData{Items: items, Total: total, From: f.Offset + 1, To: f.Offset + len(items),
		Selected: map[string]string{"region": f.Region, "situation": f.Situation, "sector": f.Sector, "lang": string(f.Lang)}}
	if d.Options, err = c.filterOptions(r); err != nil {
		return err
	}
	page := func(off int) string {
		v := url.Values{}
		for k, x := range map[string]string{"region": f.Region, "situation": f.Situation, "sector": f.Sector, "lang": string(f.Lang)} {
			if x != "" {
				v.Set(k, x)
			}
		}
		v.Set("offset", strconv.Itoa(off))
		return c.path("/registrations") + "?" + v.Encode()
	}
	if f.Offset > 0 {
		d.Prev = page(max(0, f.Offset-registrationsPageSize))
	}
	if f.Offset+len(items) < total {
		d.Next = page(f.Offset + registrationsPageSize)
	}
	c.render(w, r, s, http.StatusOK, "registrations", "nav.registrations", d)
	return nil
}

// filterOptions returns the values registrations have for each filter,
// from the counts kept (no scan).
func (c *Console) filterOptions(r *http.Request) (map[string][]string, error) {
	out := map[string][]string{"lang": {"fr", "en"}}
	if c.cfg.Stats == nil {
		return out, nil
	}
	st, err := c.cfg.Stats.Stats(r.Context())
	if err != nil {
		return nil, err
	}
	for _, k := range msg.Indexed {
		for v := range st.Registrations.By[k] {
			out[k] = append(out[k], v)
		}
		sort.Strings(out[k])
	}
	return out, nil
}

// registrationData is one registration's page.
type registrationData struct {
	R       msg.Registration
	Answers [][2]string
	Problem bool // the erasure's confirmation did not match
}

// registration answers GET /registrations/{ref} (an audited read).
func (c *Console) registration(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.showRegistration(w, r, s, http.StatusOK, false)
}

func (c *Console) showRegistration(w http.ResponseWriter, r *http.Request, s *session, status int, problem bool) error {
	ref := strings.ToUpper(r.PathValue("ref"))
	reg, err := c.cfg.Registry.Registration(r.Context(), ref)
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}
	if err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "read_registration", "ref", ref)
	d := registrationData{R: reg, Problem: problem}
	for k, v := range reg.Answers {
		d.Answers = append(d.Answers, [2]string{k, v})
	}
	sort.Slice(d.Answers, func(i, j int) bool { return d.Answers[i][0] < d.Answers[j][0] })
	c.render(w, r, s, status, "registration", "registration.title", d)
	return nil
}

// erase answers POST /registrations/{ref}/erase: the person is erased in
// one step (registration, conversation, call-backs, queued messages; the
// opt-out stays) when the confirmation typed is the reference code; the
// store writes the audit entry.
func (c *Console) erase(w http.ResponseWriter, r *http.Request, s *session) error {
	ref := strings.ToUpper(r.PathValue("ref"))
	if strings.ToUpper(strings.TrimSpace(r.PostForm.Get("confirm"))) != ref {
		return c.showRegistration(w, r, s, http.StatusUnprocessableEntity, true)
	}
	reg, err := c.cfg.Registry.Registration(r.Context(), ref)
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := c.cfg.People.ErasePerson(r.Context(), reg.Person, s.Name, c.cfg.Now()); err != nil {
		return err
	}
	c.log.Info("person erased by staff in the console", "person", string(reg.Person), "who", s.Name)
	http.Redirect(w, r, c.path("/registrations?done=erased"), http.StatusSeeOther)
	return nil
}

// exportCSV answers GET /registrations.csv: every registration, as the
// admin API's export (an audited read).
func (c *Console) exportCSV(w http.ResponseWriter, r *http.Request, s *session) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registrations.csv"`)
	c.audit(r.Context(), s.Name, "export_registrations", "filter", "all")
	if n, err := web.WriteRegistrationsCSV(r.Context(), c.cfg.Registry, w); err != nil {
		// The header is sent: the answer stops short, and the log says so.
		c.log.Error("console csv export failed", "rows", n, "err", err)
	}
	return nil
}
