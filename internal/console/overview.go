package console

import (
	"net/http"
	"sort"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// overviewData is the overview page: counts only, no personal data.
type overviewData struct {
	Total   int64
	Weeks   chart
	By      []namedChart
	Funnels []namedChart
	Lanes   []laneRow
	Dead    []outbox.DeadLetter
}

// namedChart is a chart under a heading (a text key or a flow's name).
type namedChart struct {
	Name  string
	Chart chart
}

// laneRow is one outbox lane.
type laneRow struct {
	Lane  msg.Lane
	Stats outbox.LaneStats
}

// overviewWeeks is how many weeks the registrations chart shows.
const overviewWeeks = 12

// overview answers GET /: registrations by week and by answer, the funnel
// of each flow, and the outbox's health.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) error {
	var d overviewData
	if c.cfg.Stats != nil {
		st, err := c.cfg.Stats.Stats(r.Context())
		if err != nil {
			return err
		}
		d.Total = st.Registrations.Total
		l := language(r)
		d.Weeks = weekly(st.Registrations.Days, c.cfg.Now(), overviewWeeks)
		d.Weeks.Title = l.T("overview.weeks")
		for _, k := range []string{"region", "situation", "sector"} {
			ch := hbars(st.Registrations.By[k], nil)
			ch.Title = l.T("by." + k)
			d.By = append(d.By, namedChart{Name: "by." + k, Chart: ch})
		}
		flows := make([]string, 0, len(st.Flows))
		for f := range st.Flows {
			flows = append(flows, f)
		}
		sort.Strings(flows)
		for _, f := range flows {
			reached, stopped := map[string]int64{}, map[string]int64{}
			for node, ns := range st.Flows[f] {
				reached[node], stopped[node] = ns.Reached, ns.Abandoned
			}
			ch := hbars(reached, stopped)
			ch.Title = f
			d.Funnels = append(d.Funnels, namedChart{Name: f, Chart: ch})
		}
	}
	if c.cfg.Outbox != nil {
		ob, err := c.cfg.Outbox.OutboxStats(r.Context(), c.cfg.Now(), 10)
		if err != nil {
			return err
		}
		for l, ls := range ob.Lanes {
			d.Lanes = append(d.Lanes, laneRow{Lane: l, Stats: ls})
		}
		sort.Slice(d.Lanes, func(i, j int) bool { return d.Lanes[i].Lane < d.Lanes[j].Lane })
		d.Dead = ob.Dead
	}
	c.render(w, r, s, http.StatusOK, "overview", "nav.overview", d)
	return nil
}
