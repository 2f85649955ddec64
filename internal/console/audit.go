package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// auditScan is how many entries one audit page reads before filtering.
const auditScan = 1000

// auditPageSize is how many matching entries one audit page shows.
const auditPageSize = 100

// auditData is the audit page.
type auditData struct {
	Who, Action string
	Items       []auditRow
	Next        string // the link to older entries ("" at the end)
}

// auditRow is one entry with its details written out.
type auditRow struct {
	ID, Who, At, Action, Details string
}

// auditLog answers GET /audit?who=&action=&before=: the audit stream,
// newest first, filtered by who and by action (a part of its name),
// administrators only.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	d := auditData{Who: strings.TrimSpace(q.Get("who")), Action: strings.TrimSpace(q.Get("action"))}
	before := q.Get("before")
	es, err := c.cfg.Audit.AuditEntries(r.Context(), before, auditScan)
	if err != nil {
		return err
	}
	last := ""
	for _, e := range es {
		last = e.ID
		if !matches(e, d.Who, d.Action) {
			continue
		}
		d.Items = append(d.Items, row(e))
		if len(d.Items) == auditPageSize {
			break
		}
	}
	if len(es) == auditScan || len(d.Items) == auditPageSize {
		d.Next = c.path("/audit") + "?who=" + url.QueryEscape(d.Who) + "&action=" + url.QueryEscape(d.Action) + "&before=" + url.QueryEscape(last)
	}
	c.render(w, r, s, http.StatusOK, "audit", "nav.audit", d)
	return nil
}

// matches tells whether an entry is by who (exactly; "" for anyone) and
// its action contains action.
func matches(e msg.AuditEntry, who, action string) bool {
	return (who == "" || e.Fields["who"] == who) && strings.Contains(e.Fields["action"], action)
}

// row writes an entry's details as key=value pairs, sorted.
func row(e msg.AuditEntry) auditRow {
	var kv []string
	for k, v := range e.Fields {
		if k != "who" && k != "at" && k != "action" {
			kv = append(kv, k+"="+v)
		}
	}
	slices.Sort(kv)
	return auditRow{ID: e.ID, Who: e.Fields["who"], At: e.Fields["at"], Action: e.Fields["action"], Details: strings.Join(kv, " ")}
}
