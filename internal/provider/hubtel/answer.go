package hubtel

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// contentType is the type of every answer.
const contentType = "application/json"

// maxLabel bounds the Label, in characters.
const maxLabel = 40

// answer is Hubtel's answer to one request. SessionId echoes the
// request's (absent from refusals).
type answer struct {
	SessionID   string `json:"SessionId,omitempty"`
	Type        string `json:"Type"`
	Message     string `json:"Message"`
	Label       string `json:"Label"`
	DataType    string `json:"DataType"`
	FieldType   string `json:"FieldType,omitempty"`
	ClientState string `json:"ClientState"`
}

// Answer writes a reply as Hubtel expects it: Type Response with an input
// field while the session goes on, Type Release (a screen only shown) when
// it ends. The Label, a title Hubtel's app channels show, is the screen's
// first line. Passerelle keeps its state itself: ClientState is empty.
// The Type's letter case, "Response" and "Release", is what Hubtel's own
// Programmable Services SDK (.NET, ProgrammableServiceActionType written
// with ToString("G")) sends; Hubtel's requests write it in lower case,
// which ParseRequest accepts too.
func Answer(in msg.Inbound, r msg.Reply) provider.Response {
	text := strings.Join(r.Messages, "\n")
	a := answer{SessionID: in.Session, Type: "Response", Message: text, Label: label(text), DataType: "input", FieldType: "text"}
	if r.End {
		a.Type, a.DataType, a.FieldType = "Release", "display", ""
	}
	return provider.Response{ContentType: contentType, Body: encode(a)}
}

// Refuse writes a refusal as a Release screen carrying the reason, with
// the refusal's status.
func Refuse(status int, reason string) provider.Response {
	return provider.Response{Status: status, ContentType: contentType,
		Body: encode(answer{Type: "Release", Message: reason, DataType: "display"})}
}

// ended acknowledges a Release or a Timeout: the session is over, there is
// nothing to show.
func ended(session string) provider.Response {
	return provider.Response{ContentType: contentType,
		Body: encode(answer{SessionID: session, Type: "Release", DataType: "display"})}
}

// label is text's first line, cut to maxLabel characters.
func label(text string) string {
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if utf8.RuneCountInString(text) <= maxLabel {
		return text
	}
	return string([]rune(text)[:maxLabel])
}

// encode writes a as JSON, without escaping '<', '>' and '&' (the screens
// are text shown on a phone, not HTML).
func encode(a answer) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(a) // strings only: cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
