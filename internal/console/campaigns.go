package console

import (
	"errors"
	"net/http"
	"slices"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// campaignsData is the campaigns page.
type campaignsData struct {
	Items []broadcast.Campaign
}

// campaigns answers GET /campaigns: every campaign, newest first, with its
// state and counts.
func (c *Console) campaigns(w http.ResponseWriter, r *http.Request, s *session) error {
	cs, err := c.cfg.Campaigns.Campaigns(r.Context())
	if err != nil {
		return err
	}
	c.render(w, r, s, http.StatusOK, "campaigns", "nav.campaigns", campaignsData{Items: cs})
	return nil
}

// campaignData is one campaign's page.
type campaignData struct {
	C       broadcast.Campaign
	Actions []broadcast.Action // what its state allows now
	Done    int64              // recipients settled (sent, failed, skipped, …)
	Bar     chart              // progress
	Langs   []string
	Problem string
}

// campaign answers GET /campaigns/{id}: its texts, audience, counts and the
// actions its state allows; the page reloads itself while it is sending.
func (c *Console) campaign(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.showCampaign(w, r, s, http.StatusOK, "")
}

func (c *Console) showCampaign(w http.ResponseWriter, r *http.Request, s *session, status int, problem string) error {
	camp, err := c.cfg.Campaigns.Campaign(r.Context(), r.PathValue("id"))
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}
	if err != nil {
		return err
	}
	d := campaignData{C: camp, Problem: problem}
	for _, a := range []broadcast.Action{broadcast.Start, broadcast.Pause, broadcast.Resume, broadcast.Cancel} {
		if _, err := broadcast.Next(camp.State, a, camp.StartAt, c.cfg.Now()); err == nil {
			d.Actions = append(d.Actions, a)
		}
	}
	n := camp.Counts
	d.Done = n.Sent + n.Failed + n.Skipped + n.Dead + n.Cancelled + n.Unknown
	d.Bar = progress(d.Done, n.Audience)
	for l := range camp.Texts {
		d.Langs = append(d.Langs, l)
	}
	slices.Sort(d.Langs)
	v := c.view(r, s, "campaign.title", d)
	if camp.State == broadcast.Sending || camp.State == broadcast.Scheduled {
		v.Refresh = 3
	}
	c.renderView(w, r, status, "campaign", v)
	return nil
}

// progress draws done out of total as one bar.
func progress(done, total int64) chart {
	const width = 600
	w := 0
	if total > 0 {
		w = int(min(done, total) * width / total)
	}
	return chart{Width: width, Height: 24, Bars: []bar{{W: w, H: 24, Value: num(done) + " / " + num(total)}}}
}

// actOnCampaign answers POST /campaigns/{id}/{start,pause,resume,cancel}.
func (c *Console) actOnCampaign(w http.ResponseWriter, r *http.Request, s *session) error {
	id, action := r.PathValue("id"), broadcast.Action(r.PathValue("action"))
	switch action {
	case broadcast.Start, broadcast.Pause, broadcast.Resume, broadcast.Cancel:
	default:
		http.NotFound(w, r)
		return nil
	}
	camp, err := c.cfg.Campaigns.Campaign(r.Context(), id)
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}
	if err != nil {
		return err
	}
	now := c.cfg.Now()
	to, err := broadcast.Next(camp.State, action, camp.StartAt, now)
	if err != nil {
		return c.showCampaign(w, r, s, http.StatusConflict, "campaign.conflict")
	}
	err = c.cfg.Campaigns.SetCampaignState(r.Context(), id, []broadcast.State{camp.State}, to, s.Name, now)
	if errors.Is(err, broadcast.ErrStateRace) {
		return c.showCampaign(w, r, s, http.StatusConflict, "campaign.conflict")
	}
	if err != nil {
		return err
	}
	c.log.Info("campaign "+string(action)+" from the console", "campaign", id, "state", string(to), "who", s.Name)
	http.Redirect(w, r, c.path("/campaigns/"+id+"?done="+string(action)), http.StatusSeeOther)
	return nil
}
