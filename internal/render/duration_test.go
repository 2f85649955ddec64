package render

import (
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for _, c := range []struct {
		d      time.Duration
		fr, en string
	}{
		{0, "2 ans", "2 years"},
		{17520 * time.Hour, "2 ans", "2 years"},
		{365 * day, "1 an", "1 year"},
		{180 * day, "6 mois", "6 months"},
		{30 * day, "30 jours", "30 days"},
		{day, "1 jour", "1 day"},
	} {
		if got := Duration(msg.French, c.d); got != c.fr {
			t.Errorf("fr %v = %q, want %q", c.d, got, c.fr)
		}
		if got := Duration(msg.English, c.d); got != c.en {
			t.Errorf("en %v = %q, want %q", c.d, got, c.en)
		}
	}
}
