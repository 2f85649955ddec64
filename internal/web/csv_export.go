package web

import (
	"context"
	"io"
)

// WriteRegistrationsCSV writes every registration of reg to w as the CSV
// of GET /admin/registrations.csv (same columns, same cell escaping), for
// the staff console's export. It returns how many rows it wrote and the
// first error of reg or w (wrapped).
func WriteRegistrationsCSV(ctx context.Context, reg Registry, w io.Writer) (int, error) {
	return writeRegistrations(ctx, reg, w)
}
