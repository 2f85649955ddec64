package twilio

import (
	"encoding/xml"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// ContentType is the media type of a TwiML answer.
const ContentType = "text/xml; charset=utf-8"

const twimlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// FormatTwiML writes a reply as the TwiML answer to an inbound webhook: one
// <Message> per non-empty reply message, XML-escaped, or an empty
// <Response/> when there is nothing to say.
func FormatTwiML(r msg.Reply) string {
	var b strings.Builder
	b.WriteString(twimlHeader)
	n := 0
	for _, m := range r.Messages {
		if m == "" {
			continue
		}
		if n == 0 {
			b.WriteString("<Response>")
		}
		n++
		b.WriteString("<Message>")
		_ = xml.EscapeText(&b, []byte(m)) // a strings.Builder never fails
		b.WriteString("</Message>")
	}
	if n == 0 {
		b.WriteString("<Response/>")
		return b.String()
	}
	b.WriteString("</Response>")
	return b.String()
}
