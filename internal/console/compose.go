package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
)

// composeLangs are the languages a campaign is written in.
var composeLangs = []string{"fr", "en"}

// composeData is the form of a new campaign, with its preview once asked.
type composeData struct {
	Name, Fallback, StartAt, Rate string
	Texts                         map[string]string
	Registered, Subscribers       bool
	Chosen                        map[string]map[string]bool // filter → values ticked
	Options                       map[string][]string
	Preview                       *broadcast.Preview
	Langs                         []string
	Problem                       string // why the campaign was refused (the validator's words)
	MaxSegments                   int
	// Reply is the flow entry ("flow:node") an SMS answer enters within
	// Window; Entries the choices.
	Reply, Window string
	Entries       []string
}

// composeForm answers GET /campaigns/new: an empty form.
func (c *Console) composeForm(w http.ResponseWriter, r *http.Request, s *session) error {
	d := composeData{Fallback: "fr", Registered: true, Texts: map[string]string{}, Chosen: map[string]map[string]bool{}, Window: "48h"}
	return c.showCompose(w, r, s, http.StatusOK, d)
}

func (c *Console) showCompose(w http.ResponseWriter, r *http.Request, s *session, status int, d composeData) error {
	var err error
	if d.Options, err = c.filterOptions(r); err != nil {
		return err
	}
	d.Langs, d.MaxSegments, d.Entries = composeLangs, c.cfg.Campaign.Limits.MaxSegments, c.cfg.Entries
	v := c.view(r, s, "compose.title", d)
	v.Script = true
	c.renderView(w, r, status, "compose", v)
	return nil
}

// compose answers POST /campaigns/new: with do=preview, the form again
// with the count of each text (characters, encoding, segments), the
// GSM-7-shaped texts, the audience counted now and the cost; with
// do=create, a draft campaign (refused with the reason when invalid).
func (c *Console) compose(w http.ResponseWriter, r *http.Request, s *session) error {
	f := r.PostForm
	d, camp := campaignForm(f)
	if d.Problem != "" {
		return c.showCompose(w, r, s, http.StatusUnprocessableEntity, d)
	}
	if f.Get("do") != "create" {
		p, err := c.preview(r.Context(), camp)
		if err != nil {
			return err
		}
		d.Preview = &p
		return c.showCompose(w, r, s, http.StatusOK, d)
	}
	now := c.cfg.Now().UTC()
	camp.ID, camp.State, camp.Created, camp.Updated = broadcast.NewID(), broadcast.Draft, now, now
	if err := camp.Validate(c.cfg.Campaign.Limits); err != nil {
		d.Problem = err.Error()
		return c.showCompose(w, r, s, http.StatusUnprocessableEntity, d)
	}
	if err := c.cfg.Campaigns.CreateCampaign(r.Context(), camp, s.Name); err != nil {
		return err
	}
	c.log.Info("campaign created from the console", "campaign", camp.ID, "who", s.Name)
	http.Redirect(w, r, c.path("/campaigns/"+camp.ID+"?done=created"), http.StatusSeeOther)
	return nil
}

// campaignForm reads the compose form: what to show again, and the
// campaign it describes; d.Problem says what cannot be read.
func campaignForm(f url.Values) (composeData, broadcast.Campaign) {
	d := composeData{Name: f.Get("name"), Fallback: f.Get("fallback"), StartAt: f.Get("start_at"), Rate: f.Get("rate"),
		Texts: map[string]string{}, Registered: f.Get("registered") != "", Subscribers: f.Get("subscribers") != "",
		Chosen: map[string]map[string]bool{}, Reply: f.Get("reply"), Window: f.Get("window")}
	camp := broadcast.Campaign{Name: d.Name, Texts: map[string]string{}, Fallback: d.Fallback,
		Audience: broadcast.Audience{Registered: d.Registered, Subscribers: d.Subscribers}}
	for _, l := range composeLangs {
		d.Texts[l] = strings.ReplaceAll(f.Get("text_"+l), "\r\n", "\n")
		if strings.TrimSpace(d.Texts[l]) != "" {
			camp.Texts[l] = d.Texts[l]
		}
	}
	for _, k := range []string{"lang", "region", "situation", "sector"} {
		vals := append([]string(nil), f[k]...)
		sort.Strings(vals)
		d.Chosen[k] = map[string]bool{}
		for _, v := range vals {
			d.Chosen[k][v] = true
		}
		switch k {
		case "lang":
			camp.Audience.Lang = vals
		case "region":
			camp.Audience.Region = vals
		case "situation":
			camp.Audience.Situation = vals
		case "sector":
			camp.Audience.Sector = vals
		}
	}
	if flow, node, ok := strings.Cut(d.Reply, ":"); ok {
		camp.Reply = &broadcast.ReplyFlow{Flow: flow, Node: node, Window: d.Window}
	}
	if d.Rate != "" {
		rate, err := strconv.ParseFloat(d.Rate, 64)
		if err != nil || rate <= 0 {
			d.Problem = "rate: want a number of messages a second"
		}
		camp.Rate = rate
	}
	if d.StartAt != "" {
		t, err := time.Parse("2006-01-02T15:04", d.StartAt)
		if err != nil {
			d.Problem = "start_at: want a date and time such as 2026-12-01T09:00 (UTC)"
		}
		camp.StartAt = t.UTC()
	}
	return d, camp
}

// livePreview is the answer of POST /campaigns/preview, its texts in the
// page's language: the compose page's script shows it as staff type and
// tick.
type livePreview struct {
	Audience string            `json:"audience"`
	Segments string            `json:"segments"`
	Cost     string            `json:"cost"`
	Counts   map[string]string `json:"counts"` // by language: characters, encoding, segments
}

// previewJSON answers POST /campaigns/preview (the compose form, with its
// CSRF token): the audience counted now, segments and cost, as JSON. It
// changes nothing; the form's Preview button gives the same without
// JavaScript.
func (c *Console) previewJSON(w http.ResponseWriter, r *http.Request, s *session) error {
	_, camp := campaignForm(r.PostForm)
	p, err := c.preview(r.Context(), camp)
	if err != nil {
		return err
	}
	l := language(r)
	out := livePreview{Audience: num(p.Audience), Segments: num(p.Segments),
		Cost: fmt.Sprintf("%.2f %s", p.Cost, p.Currency), Counts: map[string]string{}}
	for lang, lp := range p.Langs {
		out.Counts[lang] = l.F("compose.count", lp.Text.Chars, lp.Text.Encoding, lp.Text.Segments)
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}

// preview prices a campaign as the admin API's preview does.
func (c *Console) preview(ctx context.Context, camp broadcast.Campaign) (broadcast.Preview, error) {
	return c.cfg.Campaign.Preview(ctx, c.cfg.Campaigns, camp)
}
