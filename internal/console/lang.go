package console

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// loc is the language of one page: its texts come from the catalogue
// (texts.go).
type loc struct{ lang msg.Lang }

// Lang is the page's language code.
func (l loc) Lang() msg.Lang { return l.lang }

// Other is the other language, offered in the header.
func (l loc) Other() msg.Lang {
	if l.lang == msg.English {
		return msg.French
	}
	return msg.English
}

// T returns the text of key; a missing key shows as [[key]], which the
// tests look for on every page.
func (l loc) T(key string) string {
	t, ok := texts[key]
	if !ok {
		return "[[" + key + "]]"
	}
	if l.lang == msg.English {
		return t[1]
	}
	return t[0]
}

// F returns the text of key with its %-verbs filled from args.
func (l loc) F(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// language returns the language chosen (the cookie), else the browser's
// first choice between French and English, else French.
func language(r *http.Request) loc {
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "fr" || ck.Value == "en") {
		return loc{msg.Lang(ck.Value)}
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	en, fr := strings.Index(al, "en"), strings.Index(al, "fr")
	if en >= 0 && (fr < 0 || en < fr) {
		return loc{msg.English}
	}
	return loc{msg.French}
}

// setLanguage answers GET /lang/{lang}?back=PATH: the choice is remembered
// in a cookie for a year, and the page shown again.
func (c *Console) setLanguage(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if l != "fr" && l != "en" {
		http.NotFound(w, r)
		return
	}
	c.setCookie(w, langCookie, l, 365*24*3600)
	http.Redirect(w, r, c.safeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}
