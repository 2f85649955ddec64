package app

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/locales"
)

// ContentFS returns the flows and locales directories of c, or the copies
// built into the binary.
func ContentFS(c Config) (fs.FS, fs.FS) {
	var f, l fs.FS = flows.FS, locales.FS
	if c.FlowsDir != "" {
		f = os.DirFS(c.FlowsDir)
	}
	if c.LocalesDir != "" {
		l = os.DirFS(c.LocalesDir)
	}
	return f, l
}

// LoadContent loads and checks the flows and texts, and returns them with
// their lint report at the gateway's budget: a broken reference, a missing
// translation or a page over the budget stops start-up; unused texts and
// long UCS-2 pages are only logged.
func LoadContent(c Config, log *slog.Logger) (*content.Content, content.Report, error) {
	f, l := ContentFS(c)
	ct, err := content.Load(f, l, log)
	if err != nil {
		return nil, content.Report{}, err
	}
	n := 0
	rep := ct.Report(c.USSDBudget, chat.Messages)
	problems := rep.Problems
	// A screen must also fit the budget of every operator that has its own.
	for _, b := range c.OperatorBudgets {
		for _, p := range ct.Report(b, chat.Messages).Problems {
			if p.Severity == content.SeverityError && p.Kind != content.KindUnused {
				problems = append(problems, p)
			}
		}
	}
	for _, p := range problems {
		if p.Severity == content.SeverityError && p.Kind != content.KindUnused {
			log.Error("flow problem", "problem", p.String())
			n++
		} else {
			log.Warn("flow warning", "problem", p.String())
		}
	}
	if n > 0 {
		return nil, content.Report{}, fmt.Errorf("error checking flows: %d problems (run passerelle lint)", n)
	}
	return ct, rep, nil
}
