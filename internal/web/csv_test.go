package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
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
