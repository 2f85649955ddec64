package console

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/smstext"
)

// Simulator is the chat service on a store of its own (the embedded one):
// what the flows page's simulator plays, never on real people's data.
type Simulator interface {
	// Handle answers one inbound message, as the gateway does.
	Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error)
	// SetLang remembers a simulated person's language (the language menu
	// is then skipped).
	SetLang(ctx context.Context, a msg.Address, l msg.Lang) error
}

// simPrefix starts every simulated number: +237 6999 followed by five
// random digits, a range no operator gives out.
const simPrefix = "+2376999"

// simService is the USSD code the simulator dials.
const simService = "*384*123#"

// simState is the simulated phone, carried by the form itself (hidden
// fields), so that the simulator keeps nothing between requests; the
// conversation lives in the simulator's store.
type simState struct {
	Mode    msg.Channel // ussd or sms
	Lang    msg.Lang
	Phone   msg.Address
	Session string // the USSD session id
	Text    string // the USSD session's cumulative text
	Hops    int
	Open    bool // a USSD session is open
	// Answered tells that the open session has had an answer (the first
	// answer starts the cumulative text, the next ones join it with '*').
	Answered bool
}

// simScreen is one message shown on the phone, with its count.
type simScreen struct {
	Text     string
	Chars    int
	Encoding string
	Segments int
}

// simData is the simulator page.
type simData struct {
	S       simState
	Started bool
	Input   string // what was just typed
	Screens []simScreen
	End     bool
	Problem string
}

// simulatorForm answers GET /flows/simulator: choose a mode and a language.
func (c *Console) simulatorForm(w http.ResponseWriter, r *http.Request, s *session) error {
	c.render(w, r, s, http.StatusOK, "simulator", "sim.title", simData{S: simState{Mode: msg.USSD, Lang: language(r).lang}})
	return nil
}

// simulate answers POST /flows/simulator: do=start begins with a new
// simulated phone (dialling in USSD mode), do=dial opens a new USSD
// session, do=send sends the input (a USSD answer or an SMS).
func (c *Console) simulate(w http.ResponseWriter, r *http.Request, s *session) error {
	f := r.PostForm
	st := simState{Mode: msg.Channel(f.Get("mode")), Lang: msg.Lang(f.Get("lang")), Phone: msg.Address(f.Get("phone")),
		Session: f.Get("session"), Text: f.Get("text"), Open: f.Get("open") == "1", Answered: f.Get("answered") == "1"}
	st.Hops, _ = strconv.Atoi(f.Get("hops"))
	if st.Mode != msg.USSD && st.Mode != msg.SMS || st.Lang != msg.French && st.Lang != msg.English {
		c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
		return nil
	}
	ctx := r.Context()
	d := simData{S: st, Started: true}
	var in *msg.Inbound
	switch f.Get("do") {
	case "start":
		d.S.Phone = newSimPhone()
		if err := c.cfg.Simulator.SetLang(ctx, d.S.Phone, d.S.Lang); err != nil {
			return err
		}
		if d.S.Mode == msg.USSD {
			in = d.S.dial()
		}
	case "dial":
		if !strings.HasPrefix(string(d.S.Phone), simPrefix) || d.S.Mode != msg.USSD {
			c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
			return nil
		}
		in = d.S.dial()
	case "send":
		if !strings.HasPrefix(string(d.S.Phone), simPrefix) {
			c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
			return nil
		}
		d.Input = strings.TrimSpace(f.Get("input"))
		if d.S.Mode == msg.USSD && !d.S.Open {
			in = d.S.dial()
		} else {
			in = d.S.next(d.Input)
		}
	default:
		c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
		return nil
	}
	if in != nil {
		in.Received = c.cfg.Now()
		rep, err := c.cfg.Simulator.Handle(ctx, *in)
		if err != nil {
			c.log.Warn("simulated hop failed", "err", err)
			d.Problem = "sim.failed"
		}
		for _, m := range rep.Messages {
			info := smstext.Count(m)
			d.Screens = append(d.Screens, simScreen{Text: m, Chars: info.Chars, Encoding: string(info.Encoding), Segments: info.Segments})
		}
		d.End = rep.End
		if d.S.Mode == msg.USSD && rep.End {
			d.S.Open = false
		}
	}
	c.render(w, r, s, http.StatusOK, "simulator", "sim.title", d)
	return nil
}

// dial opens a new USSD session: its first hop has an empty text.
func (st *simState) dial() *msg.Inbound {
	st.Hops++
	st.Session = "CONSOLE-" + strings.TrimPrefix(string(st.Phone), "+") + "-" + token()[:8]
	st.Text, st.Open, st.Answered = "", true, false
	return &msg.Inbound{Channel: msg.USSD, Provider: "sim", From: st.Phone, To: simService, Session: st.Session, Cumulative: true}
}

// next is the next message: an answer in the open USSD session (the
// text is cumulative, answers joined by '*'), or an SMS.
func (st *simState) next(input string) *msg.Inbound {
	st.Hops++
	if st.Mode == msg.SMS {
		return &msg.Inbound{Channel: msg.SMS, Provider: "sim", From: st.Phone, To: simService, Text: input,
			ExternalID: "SIM-" + strings.TrimPrefix(string(st.Phone), "+") + "-" + token()[:12]}
	}
	if st.Answered {
		st.Text += "*" + input
	} else {
		st.Text, st.Answered = input, true
	}
	return &msg.Inbound{Channel: msg.USSD, Provider: "sim", From: st.Phone, To: simService, Session: st.Session, Text: st.Text, Cumulative: true}
}

// newSimPhone draws a simulated number in the simPrefix range.
func newSimPhone() msg.Address {
	n, _ := rand.Int(rand.Reader, big.NewInt(100000))
	return msg.Address(fmt.Sprintf("%s%05d", simPrefix, n.Int64()))
}
