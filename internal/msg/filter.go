package msg

import (
	"strconv"
	"strings"
)

// AuditText writes the filter as the audit stream records it (which
// answers were asked for, and the page), never any person's data.
func (f Filter) AuditText() string {
	var parts []string
	for _, kv := range [][2]string{{"region", f.Region}, {"situation", f.Situation}, {"sector", f.Sector}, {"lang", string(f.Lang)}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	parts = append(parts, "offset="+strconv.Itoa(f.Offset), "limit="+strconv.Itoa(f.Limit))
	return strings.Join(parts, "&")
}
