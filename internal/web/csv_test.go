package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// nastyCells are free texts a person could type (as a name or a town) to
// plant a formula in the staff's spreadsheet.
var nastyCells = []string{
	"=1+1",
	"+33 6 12",
	"-2+3",
	"@SUM(A1)",
	"Douala;=cmd|'/C calc'!A0",
	"Douala,=cmd|'/C calc'!A0",
	"Douala; =1+1",
	"Douala, @SUM(1)",
	"Douala\t=HYPERLINK(\"http://evil.example\")",
	"Douala\n=1+1",
	"Douala\r\n-1+1",
	"Douala\r+1",
	"Douala\v=1",
	"Douala\u2028=1",
	"  =1+1",
	"\"=1+1",
	"Douala,\"=1+1\"",
	"Douala;\"=1+1\";x",
	";;=1",
	",,@1",
	"=",
	"-",
	"a\"b;=c",
	"Yaoundé;-1;+2;@3",
	"'=1;=2",
}

// benignCells are exported exactly as typed.
var benignCells = []string{"Douala", "Jean-Pierre", "Bafoussam, Ouest", "N'Gaoundéré", "Kribi 2"}

// TestCSVExportDefusesFormulas: whichever separator a spreadsheet splits
// the export on (',' or ';', also tab), with or without honouring quotes,
// no cell starts with = + - @.
func TestCSVExportDefusesFormulas(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	phones := map[string]bool{}
	all := append(append([]string{}, nastyCells...), benignCells...)
	for i, v := range all {
		phone := msg.Address(fmt.Sprintf("+2376%08d", 950+i))
		phones[string(phone)] = true
		r := &msg.Registration{
			Ref: fmt.Sprintf("CSV%03d", i), Phone: phone, Lang: msg.French, Channel: msg.SMS,
			Created: apptest.Start.Add(time.Duration(i) * time.Second),
			Answers: map[string]string{"name": v, "town": v, "origin": v, "region": "littoral"},
		}
		if err := s.Store.Commit(ctx, s.Hasher.Person(phone), msg.Change{Registration: r}); err != nil {
			t.Fatal(err)
		}
	}
	st, body, _ := s.do(t, adminGet("/admin/registrations.csv", adminToken))
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != len(all)+1 {
		t.Errorf("%d lines for %d registrations: a cell breaks a row", len(lines), len(all))
	}
	dangerous := func(cell string) bool {
		c := strings.TrimLeft(cell, " \"")
		return c != "" && strings.ContainsRune("=+-@", rune(c[0])) && !phones[c]
	}
	// Readers that ignore quotes: every fragment between separators.
	for _, line := range lines {
		for _, sep := range []string{",", ";", "\t"} {
			for _, cell := range strings.Split(line, sep) {
				if dangerous(cell) {
					t.Errorf("split on %q: cell %q starts a formula (line %q)", sep, cell, line)
				}
			}
		}
	}
	// Readers that honour quotes, with either separator.
	var rows [][]string
	for _, comma := range []rune{',', ';'} {
		rd := csv.NewReader(strings.NewReader(body))
		rd.Comma, rd.LazyQuotes, rd.FieldsPerRecord = comma, true, -1
		got, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("parse with %q: %v", comma, err)
		}
		for _, row := range got {
			for _, cell := range row {
				if dangerous(cell) {
					t.Errorf("parsed with %q: cell %q starts a formula", comma, cell)
				}
			}
		}
		if comma == ',' {
			rows = got
		}
	}
	// The file's own dialect still has one row per registration, the answers
	// in their columns, benign texts untouched.
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			t.Fatalf("row %d has %d cells: %q", i, len(row), row)
		}
		want := all[i]
		if i >= len(nastyCells) && (row[col["town"]] != want || row[col["name"]] != want) {
			t.Errorf("benign %q exported as %q", want, row[col["town"]])
		}
		if i < len(nastyCells) && row[col["town"]] == want {
			t.Errorf("nasty %q exported unchanged", want)
		}
		if row[col["region"]] != "littoral" || row[col["phone"]] == "" {
			t.Errorf("row %d: %q", i, row)
		}
	}
}

// slowRegistry hands the CSV export n registrations, pausing pause after
// every batch of them, then returns fail (nil: the export succeeds); n < 0
// never ends until the export stops taking rows. It serves only
// EachRegistration. returned gets what EachRegistration returned.
type slowRegistry struct {
	web.Registry
	n, batch int
	pause    time.Duration
	fail     error
	town     string
	returned chan error
}

func (r *slowRegistry) EachRegistration(ctx context.Context, fn func(msg.Registration) error) (err error) {
	defer func() { r.returned <- err }()
	for i := 0; r.n < 0 || i < r.n; i++ {
		if i > 0 && i%r.batch == 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(r.pause):
			}
		}
		reg := msg.Registration{Ref: fmt.Sprintf("S%06d", i), Phone: msg.Address(fmt.Sprintf("+2376%08d", i)), Lang: msg.French,
			Channel: msg.USSD, Created: apptest.Start.Add(time.Duration(i) * time.Second),
			Answers: map[string]string{"name": "Awa", "town": r.town, "region": "littoral"}}
		if err := fn(reg); err != nil {
			return err
		}
	}
	return r.fail
}

// listenExport serves reg's export through a real listener (app.Test
// applies no write timeout) with the given write timeout, and returns the
// export's URL.
func listenExport(t *testing.T, reg web.Registry, writeTimeout time.Duration) string {
	t.Helper()
	srv := web.New(web.Config{Registry: reg, AdminToken: adminToken, WriteTimeout: writeTimeout,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.App().Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	})
	return "http://" + ln.Addr().String() + "/admin/registrations.csv"
}

// getExport asks for the export with the admin token.
func getExport(t *testing.T, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	return (&http.Client{Timeout: time.Minute}).Do(req)
}

// TestCSVExportOutlivesWriteTimeout: an export that takes many times the
// server's write timeout still arrives whole, every row in it.
func TestCSVExportOutlivesWriteTimeout(t *testing.T) {
	t.Parallel()
	const rows, writeTimeout = 3000, 250 * time.Millisecond
	reg := &slowRegistry{n: rows, batch: 250, pause: 100 * time.Millisecond, town: "Douala", returned: make(chan error, 1)}
	url := listenExport(t, reg, writeTimeout)
	start := time.Now()
	resp, err := getExport(t, url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("export cut after %v (write timeout %v): %v", took, writeTimeout, err)
	}
	if took < 4*writeTimeout {
		t.Fatalf("export took %v: too fast to test the write timeout", took)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != rows+1 {
		t.Fatalf("%d rows for %d registrations", len(got)-1, rows)
	}
	for i, row := range got[1:] {
		if want := fmt.Sprintf("S%06d", i); row[0] != want {
			t.Fatalf("row %d is %s, want %s", i, row[0], want)
		}
	}
	if err := <-reg.returned; err != nil {
		t.Fatal(err)
	}
}

// TestCSVExportSlowClients: the export keeps the write timeout for each
// piece it writes (a client that stops reading is let go, the export
// stops), and a failed export never reads as a whole file.
func TestCSVExportSlowClients(t *testing.T) {
	t.Parallel()
	const writeTimeout = 200 * time.Millisecond
	t.Run("client stops reading", func(t *testing.T) {
		t.Parallel()
		reg := &slowRegistry{n: -1, batch: 1000, pause: time.Millisecond, town: strings.Repeat("Douala ", 150), returned: make(chan error, 1)}
		url := listenExport(t, reg, writeTimeout)
		conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/admin/registrations.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := fmt.Fprintf(conn, "GET /admin/registrations.csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", adminToken); err != nil {
			t.Fatal(err)
		}
		// Nothing more is read: the export must give up on its own, long
		// before its 10-minute bound.
		select {
		case err := <-reg.returned:
			if err == nil {
				t.Fatal("export of endless rows ended without an error")
			}
		case <-time.After(20 * time.Second):
			t.Fatal("export still writing to a client that stopped reading")
		}
	})
	for _, c := range []struct {
		label string
		rows  int
	}{{"export fails at once", 0}, {"export fails part way", 500}} {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			reg := &slowRegistry{n: c.rows, batch: 100, pause: time.Millisecond, town: "Douala", fail: errDown, returned: make(chan error, 1)}
			resp, err := getExport(t, listenExport(t, reg, writeTimeout))
			if err != nil {
				return // cut before the answer: not mistaken for a file either
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err == nil {
				t.Fatalf("a failed export reads as a whole file of %d bytes", len(body))
			}
		})
	}
}
