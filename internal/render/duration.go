package render

import (
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// defaultRetention is what {{.retention}} shows when none is set: the
// default PASSERELLE_RETENTION.
const defaultRetention = 2 * 365 * 24 * time.Hour

// Duration writes a retention for people, in whole years, months or days,
// in French or English (other languages read English).
func Duration(lang msg.Lang, d time.Duration) string {
	if d <= 0 {
		d = defaultRetention
	}
	day := 24 * time.Hour
	n, unit := int(d/day), "day"
	switch {
	case d%(365*day) == 0:
		n, unit = int(d/(365*day)), "year"
	case d >= 60*day:
		n, unit = int((d+15*day)/(30*day)), "month"
	}
	if lang == msg.French {
		switch unit {
		case "year":
			if n == 1 {
				return "1 an"
			}
			return fmt.Sprintf("%d ans", n)
		case "month":
			return fmt.Sprintf("%d mois", n)
		}
		if n <= 1 {
			return "1 jour"
		}
		return fmt.Sprintf("%d jours", n)
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
