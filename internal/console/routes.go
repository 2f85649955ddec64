package console

import "net/http"

// routes mounts every page whose service is configured.
func (c *Console) routes() {
	m, b := c.mux, c.cfg.Base
	m.HandleFunc("GET "+b+"/static/{file}", c.static)
	m.HandleFunc("GET "+b+"/lang/{lang}", c.setLanguage)
	m.HandleFunc("GET "+b+"/signin", c.signinForm)
	m.HandleFunc("POST "+b+"/signin", c.signin)
	m.HandleFunc("POST "+b+"/signout", c.guard(permCounts, c.signout))
	m.HandleFunc("GET "+b+"/{$}", c.guard(permCounts, c.overview))
	m.HandleFunc(b+"/", c.guard(permCounts, func(w http.ResponseWriter, r *http.Request, s *session) error {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}))
	m.HandleFunc("GET "+b, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, c.path("/"), http.StatusSeeOther)
	})
	if c.cfg.Registry != nil {
		m.HandleFunc("GET "+b+"/registrations", c.guard(permPeople, c.registrations))
		m.HandleFunc("GET "+b+"/registrations.csv", c.guard(permPeople, c.exportCSV))
		m.HandleFunc("GET "+b+"/registrations/{ref}", c.guard(permPeople, c.registration))
		if c.cfg.People != nil {
			m.HandleFunc("POST "+b+"/registrations/{ref}/erase", c.guard(permPeople, c.erase))
		}
	}
	if c.cfg.Callbacks != nil {
		m.HandleFunc("GET "+b+"/callbacks", c.guard(permPeople, c.callbacks))
		m.HandleFunc("POST "+b+"/callbacks/{ref}/done", c.guard(permPeople, c.closeCallback))
		if c.cfg.Desk != nil {
			m.HandleFunc("POST "+b+"/callbacks/{ref}/assign", c.guard(permPeople, c.assignCallback))
		}
	}
	if c.cfg.Campaigns != nil {
		m.HandleFunc("GET "+b+"/campaigns", c.guard(permCampaigns, c.campaigns))
		m.HandleFunc("GET "+b+"/campaigns/new", c.guard(permCampaigns, c.composeForm))
		m.HandleFunc("POST "+b+"/campaigns/new", c.guard(permCampaigns, c.compose))
		m.HandleFunc("POST "+b+"/campaigns/preview", c.guard(permCampaigns, c.previewJSON))
		m.HandleFunc("GET "+b+"/campaigns/{id}", c.guard(permCampaigns, c.campaign))
		m.HandleFunc("POST "+b+"/campaigns/{id}/{action}", c.guard(permCampaigns, c.actOnCampaign))
	}
	m.HandleFunc("GET "+b+"/flows", c.guard(permCounts, c.flows))
	if c.cfg.Simulator != nil {
		m.HandleFunc("GET "+b+"/flows/simulator", c.guard(permCounts, c.simulatorForm))
		m.HandleFunc("POST "+b+"/flows/simulator", c.guard(permCounts, c.simulate))
	}
	if c.cfg.Audit != nil {
		m.HandleFunc("GET "+b+"/audit", c.guard(permAdmin, c.auditLog))
	}
	m.HandleFunc("GET "+b+"/accounts", c.guard(permAdmin, c.accounts))
	m.HandleFunc("POST "+b+"/accounts/{name}/unlock", c.guard(permAdmin, c.unlockAccount))
	if c.cfg.Accounts != nil {
		m.HandleFunc("POST "+b+"/accounts", c.guard(permAdmin, c.createAccount))
		m.HandleFunc("POST "+b+"/accounts/{name}/delete", c.guard(permAdmin, c.deleteAccount))
	}
}
