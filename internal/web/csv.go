package web

import (
	"bufio"
	"context"
	"encoding/csv"
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

// safeCell defuses spreadsheet formulas in text people typed.
func safeCell(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}
