package console

import (
	"net/http"
	"strings"

	"github.com/passerelle/passerelle/internal/content"
)

// flowsData is the lint page: per flow, its problems and its USSD screens.
type flowsData struct {
	Report  *content.Report
	Flows   []flowReport
	General []content.Problem // problems of no one flow (the locales, contacts)
	Errors  int
	Warns   int
	Sim     bool
}

// flowReport is one flow's part of the lint report.
type flowReport struct {
	Name     string
	Problems []content.Problem
	Screens  []content.ScreenFit
	Over     int // screens over the budget
}

// flows answers GET /flows: the lint report of the flows the gateway
// serves, flow by flow (counts and texts only: no personal data).
func (c *Console) flows(w http.ResponseWriter, r *http.Request, s *session) error {
	d := flowsData{Report: c.cfg.Lint, Sim: c.cfg.Simulator != nil}
	if rep := c.cfg.Lint; rep != nil {
		d.Errors, d.Warns = rep.Count(content.SeverityError), rep.Count(content.SeverityWarning)
		byName := map[string]*flowReport{}
		for _, name := range c.cfg.Flows {
			d.Flows = append(d.Flows, flowReport{Name: name})
		}
		for i := range d.Flows {
			byName[d.Flows[i].Name] = &d.Flows[i]
		}
		for _, p := range rep.Problems {
			if f := byName[flowOf(p.Node, p.File)]; f != nil {
				f.Problems = append(f.Problems, p)
			} else {
				d.General = append(d.General, p)
			}
		}
		for _, sc := range rep.Screens {
			if f := byName[flowOf(sc.Node, "")]; f != nil {
				f.Screens = append(f.Screens, sc)
				if !sc.Fits {
					f.Over++
				}
			}
		}
	}
	c.render(w, r, s, http.StatusOK, "flows", "nav.flows", d)
	return nil
}

// flowOf names the flow of a node key ("flow:node") or, failing that, of
// a flow file ("registration.yaml").
func flowOf(node, file string) string {
	if f, _, ok := strings.Cut(node, ":"); ok {
		return f
	}
	return strings.TrimSuffix(file, ".yaml")
}
