package genericussd

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// Format writes a reply as c says: "CON …"/"END …" as text/plain, or a
// JSON object holding the screen under TextField and the end flag under
// EndField.
func (c Config) Format(r msg.Reply) provider.Response {
	return c.screen(strings.Join(r.Messages, "\n"), r.End)
}

// Refuse writes a refusal in the answer's form, ending the session, with
// the refusal's status.
func (c Config) Refuse(status int, reason string) provider.Response {
	res := c.screen(reason, true)
	res.Status = status
	return res
}

// screen writes one screen.
func (c Config) screen(text string, end bool) provider.Response {
	if c.Answer != JSONAnswer {
		prefix := "CON "
		if end {
			prefix = "END "
		}
		return provider.Response{ContentType: "text/plain; charset=utf-8", Body: prefix + text}
	}
	flag := c.ContinueValue
	if end {
		flag = c.EndValue
	}
	var b bytes.Buffer
	b.WriteByte('{')
	writeString(&b, c.TextField)
	b.WriteByte(':')
	writeString(&b, text)
	b.WriteByte(',')
	writeString(&b, c.EndField)
	b.WriteByte(':')
	b.Write(flag)
	b.WriteByte('}')
	return provider.Response{ContentType: "application/json", Body: b.String()}
}

// writeString writes s as a JSON string, without escaping '<', '>' and
// '&' (screens are text shown on a phone, not HTML).
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string: cannot fail
	b.Truncate(b.Len() - 1) // Encode's newline
}
