package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// CSVAnswerColumns are the answer columns of the CSV export, in order.
var CSVAnswerColumns = []string{"name", "sex", "age", "situation", "origin", "region", "town", "stage", "sector", "need", "consent"}

// exportTimeout bounds a whole CSV export, however fast the client reads.
const exportTimeout = 10 * time.Minute

// exportRegistrations streams every registration as CSV, oldest first.
//
// An export of many registrations takes longer than the server's write
// timeout, which fasthttp sets once per response. So the export moves the
// connection's write deadline itself: each piece it writes gets
// Config.WriteTimeout (a client that stops reading is still let go, as on
// every other route), and the whole export at most exportTimeout. A failed
// export ends the answer with an error, so that fasthttp closes the
// connection before the final chunk: the client sees a broken transfer
// rather than a short file it could take for every registration.
func (s *Server) exportRegistrations(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="registrations.csv"`)
	reg, log, id, each := s.cfg.Registry, s.log, rid(c), s.cfg.WriteTimeout
	conn := c.Context().Conn()
	body := newExportStream(func(ctx context.Context, w io.Writer) error {
		end, _ := ctx.Deadline()
		n, err := WriteRegistrationsCSV(ctx, reg, &deadlineWriter{w: w, conn: conn, each: each, end: end})
		if err != nil {
			log.Error("csv export failed", "request_id", id, "rows", n, "err", err)
		}
		return err
	})
	s.audit(c, "export_registrations", "filter", "all")
	c.Context().SetBodyStream(body, -1)
	return nil
}

// WriteRegistrationsCSV writes the CSV header and every registration of reg
// to w, flushing every 200 rows. It returns how many rows it wrote and the
// first error of reg or w (wrapped).
func WriteRegistrationsCSV(ctx context.Context, reg Registry, w io.Writer) (int, error) {
	cw := csv.NewWriter(bufio.NewWriterSize(w, 32<<10))
	header := append([]string{"ref", "created", "lang", "channel", "phone"}, CSVAnswerColumns...)
	if err := cw.Write(header); err != nil {
		return 0, fmt.Errorf("error writing the csv header: %w", err)
	}
	row := make([]string, len(header))
	n := 0
	err := reg.EachRegistration(ctx, func(r msg.Registration) error {
		row[0], row[1], row[2], row[3], row[4] = r.Ref, r.Created.UTC().Format(time.RFC3339), string(r.Lang), string(r.Channel), string(r.Phone)
		for i, k := range CSVAnswerColumns {
			row[5+i] = safeCell(r.Answers[k])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		n++
		if n%200 == 0 {
			cw.Flush()
			return cw.Error()
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("error exporting registrations: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("error writing the csv: %w", err)
	}
	return n, nil
}

// exportStream is the body of an export, read by fasthttp as it writes the
// answer. The export runs in a goroutine of its own from the first Read,
// that is once fasthttp has set the connection's write deadline for the
// answer (so that the export's own deadlines come after it), and hands
// its bytes through a pipe. What run returns ends the body: nil as EOF,
// an error as a failed read, which makes fasthttp close the connection.
type exportStream struct {
	run    func(ctx context.Context, w io.Writer) error
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	pr     *io.PipeReader
	pw     *io.PipeWriter
}

// errExportClosed stops an export whose answer fasthttp stopped writing.
var errExportClosed = errors.New("export stopped: the answer is closed")

func newExportStream(run func(ctx context.Context, w io.Writer) error) *exportStream {
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	pr, pw := io.Pipe()
	return &exportStream{run: run, ctx: ctx, cancel: cancel, pr: pr, pw: pw}
}

// Read starts the export on its first call and reads what it wrote.
func (e *exportStream) Read(p []byte) (int, error) {
	e.once.Do(func() {
		go func() {
			err := e.run(e.ctx, e.pw)
			e.cancel()
			_ = e.pw.CloseWithError(err) // nil: EOF
		}()
	})
	return e.pr.Read(p)
}

// Close stops the export, if it still runs (fasthttp closes the body once
// the answer is written or has failed).
func (e *exportStream) Close() error {
	e.cancel()
	_ = e.pr.CloseWithError(errExportClosed)
	return nil
}

// deadlineWriter moves the connection's write deadline to each from now,
// never past end, before each write to w, which reaches the connection.
type deadlineWriter struct {
	w    io.Writer
	conn net.Conn // nil: no deadline is moved
	each time.Duration
	end  time.Time
}

// Write extends the deadline and writes p.
func (d *deadlineWriter) Write(p []byte) (int, error) {
	if d.conn != nil {
		at := time.Now().Add(d.each)
		if !d.end.IsZero() && at.After(d.end) {
			at = d.end
		}
		_ = d.conn.SetWriteDeadline(at)
	}
	return d.w.Write(p)
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
