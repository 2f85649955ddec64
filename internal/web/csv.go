package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// CSVAnswerColumns are the answer columns of the CSV export, in order.
var CSVAnswerColumns = []string{"name", "sex", "age", "situation", "origin", "region", "town", "stage", "sector", "need"}

// exportRegistrations streams every registration as CSV.
func (s *Server) exportRegistrations(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="registrations.csv"`)
	reg, log, id := s.cfg.Registry, s.log, rid(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cw := csv.NewWriter(w)
		header := append([]string{"ref", "created", "lang", "channel", "phone"}, CSVAnswerColumns...)
		_ = cw.Write(header)
		row := make([]string, len(header))
		n := 0
		err := reg.EachRegistration(ctx, func(r msg.Registration) error {
			row[0], row[1], row[2], row[3], row[4] = r.Ref, r.Created.UTC().Format(time.RFC3339), string(r.Lang), string(r.Channel), string(r.Phone)
			for i, k := range CSVAnswerColumns {
				row[5+i] = safeCell(r.Answers[k])
			}
			n++
			if err := cw.Write(row); err != nil {
				return err
			}
			if n%200 == 0 {
				cw.Flush()
				return w.Flush()
			}
			return nil
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err != nil {
			log.Error("csv export failed", "request_id", id, "rows", n, "err", err)
		}
	})
	return nil
}

// safeCell defuses spreadsheet formulas in text people typed, whichever
// separator the spreadsheet splits the file on: ',' (the file's own), ';'
// (French Excel and LibreOffice in many locales), or tab; and even when a
// reader splits without honouring the double quotes. Defusing only the
// first character is not enough: French Excel splits `Douala;=cmd|…` into
// two cells, the second a formula. So:
//
//   - ';' becomes ',' (comma). A ';'-splitting reader then sees no
//     separator in the cell; a ','-splitting one sees a quoted cell
//     (encoding/csv quotes any cell with a comma), and the fragments a naive
//     reader would cut at the comma are defused by the last rule. A comma
//     reads like the semicolon in a name or a town and stays GSM-7/ASCII,
//     unlike a full-width semicolon.
//   - Tab, CR, LF, every other control character and the Unicode line and
//     paragraph separators become a space: they split cells or rows in some
//     readers and have no place in a one-line answer.
//   - '=', '+', '-' or '@' at the start of the cell or of any fragment after
//     a comma — skipping spaces and double quotes, which readers may strip
//     — gets a single quote before it, which spreadsheets show as text
//     (OWASP's advice for CSV injection). "Jean-Pierre" is unchanged.
func safeCell(v string) string {
	if v == "" {
		return v
	}
	v = strings.Map(func(r rune) rune {
		switch {
		case r == ';':
			return ','
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, v)
	var b strings.Builder
	b.Grow(len(v) + 2)
	start := true // only spaces and double quotes since the start or a comma
	for i := 0; i < len(v); i++ {
		c := v[i] // the bytes looked at are ASCII: never inside a UTF-8 sequence
		switch {
		case c == ',':
			start = true
		case c == ' ' || c == '"':
		case start && (c == '=' || c == '+' || c == '-' || c == '@'):
			b.WriteByte('\'')
			start = false
		default:
			start = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
