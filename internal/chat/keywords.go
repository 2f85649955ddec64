package chat

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
)

// Keyword is an SMS command that works anywhere in a conversation.
type Keyword string

// Keywords, whatever language they are typed in.
const (
	KwStop    Keyword = "stop"
	KwStart   Keyword = "start"
	KwHelp    Keyword = "help"
	KwMenu    Keyword = "menu"
	KwFrench  Keyword = "fr"
	KwEnglish Keyword = "en"
	KwDelete  Keyword = "delete"
	// KwSubscribe asks for information messages without registering.
	KwSubscribe Keyword = "subscribe"
)

// keywords maps the first word of a message, lower-cased and without
// accents, to its keyword.
var keywords = map[string]Keyword{
	"stop": KwStop, "arret": KwStop, "unsubscribe": KwStop, "desabonner": KwStop,
	"start": KwStart, "reprendre": KwStart,
	"aide": KwHelp, "help": KwHelp,
	"menu": KwMenu,
	"fr":   KwFrench, "francais": KwFrench, "en": KwEnglish, "english": KwEnglish,
	"supprimer": KwDelete, "delete": KwDelete,
	"abonner": KwSubscribe, "subscribe": KwSubscribe, "infos": KwSubscribe, "news": KwSubscribe,
}

// Message IDs of the keyword answers.
const (
	MsgStopped        = "kw.stopped"
	MsgStarted        = "kw.started"
	MsgHelp           = "kw.help"
	MsgLanguageSet    = "kw.language_set"
	MsgDeleteConfirm  = "kw.delete_confirm"
	MsgDeleted        = "kw.deleted"
	MsgDeleteCanceled = "kw.delete_cancelled"
	MsgFlood          = "kw.flood"
	MsgSubscribed     = "kw.subscribed"
)

func init() {
	Messages = append(Messages, MsgStopped, MsgStarted, MsgHelp, MsgLanguageSet, MsgDeleteConfirm, MsgDeleted, MsgDeleteCanceled, MsgFlood, MsgSubscribed)
}

// fold lower-cases s and strips its accents ("ARRÊT" → "arret").
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// keywordOf returns the keyword a message starts with. At a question that
// takes free text the keyword must be the whole message, so that a name or a
// town that happens to start with one is taken as an answer.
func keywordOf(text string, freeText bool) (Keyword, bool) {
	words := strings.Fields(text)
	if len(words) == 0 || (freeText && len(words) > 1) {
		return "", false
	}
	k, ok := keywords[strings.Trim(fold(words[0]), ".!?,;:")]
	if ok && (k == KwFrench || k == KwEnglish) && len(words) > 1 {
		// "En attente", "En fait…": French sentences start with "en".
		return "", false
	}
	return k, ok
}

// yes tells whether an answer confirms: OUI or YES, as the question says;
// a menu number must not erase anyone's data by accident.
func yes(text string) bool {
	switch strings.Trim(fold(strings.TrimSpace(text)), ".!") {
	case "oui", "yes":
		return true
	}
	return false
}

// keyword handles an SMS keyword or the answer to the erasure question. ok
// is false when the message is neither.
func (s *Service) keyword(st flow.State, in msg.Inbound, env flow.Env) (next flow.State, reply msg.Reply, events []flow.Event, ok bool) {
	lang := st.Lang
	if lang == "" {
		lang = msg.DefaultLang
	}
	say := func(id string, screen bool) msg.Reply {
		t := s.render.Text(lang, id)
		if screen && st.Node != "" {
			t += "\n" + s.screenText(st, in)
		}
		return msg.Reply{Messages: []string{t}}
	}
	// raise hands a keyword's action to the host, as the engine does for a
	// flow's.
	raise := func(action string) []flow.Event {
		ev := flow.Event{Action: action, Lang: lang}
		if env.Do != nil {
			env.Do(ev)
		}
		return []flow.Event{ev}
	}
	if st.Pending == pendingDelete {
		st.Pending = ""
		if yes(in.Text) {
			done := flow.State{Done: true, Lang: st.Lang}
			return done, msg.Reply{Messages: []string{s.render.Text(lang, MsgDeleted)}, End: true},
				raise(flow.ActDeleteData), true
		}
		return st, say(MsgDeleteCanceled, true), nil, true
	}
	k, found := keywordOf(in.Text, s.atFreeText(st))
	if !found {
		return st, msg.Reply{}, nil, false
	}
	switch k {
	case KwStop:
		return st, say(MsgStopped, false), raise(flow.ActOptOut), true
	case KwStart:
		return st, say(MsgStarted, false), raise(flow.ActOptIn), true
	case KwHelp:
		return st, say(MsgHelp, true), nil, true
	case KwMenu:
		if st.Node == "" || st.Done {
			st, events = s.engine.Begin(flow.State{Lang: st.Lang}, env)
		} else {
			st, events = s.engine.Home(st, env)
		}
		return st, s.reply(st, in), events, true
	case KwFrench, KwEnglish:
		st.Lang = msg.French
		if k == KwEnglish {
			st.Lang = msg.English
		}
		lang = st.Lang
		if st.Node == "" || st.Done {
			st, events = s.engine.Begin(flow.State{Lang: st.Lang}, env)
		}
		st.Resuming = false
		return st, say(MsgLanguageSet, true), events, true
	case KwSubscribe:
		return st, say(MsgSubscribed, false), raise(flow.ActSubscribe), true
	case KwDelete:
		st.Pending = pendingDelete
		return st, say(MsgDeleteConfirm, false), nil, true
	}
	return st, msg.Reply{}, nil, false
}

const pendingDelete = "delete"

// atFreeText tells whether the current screen asks for free text.
func (s *Service) atFreeText(st flow.State) bool {
	if st.Resuming || st.Node == "" {
		return false
	}
	n, ok := s.engine.Set().Node(st.Node)
	return ok && n.Type == flow.Input
}

// screenText is the current screen's whole text on the message's channel.
func (s *Service) screenText(st flow.State, in msg.Inbound) string {
	r := s.reply(st, in)
	return strings.Join(r.Messages, "\n")
}
