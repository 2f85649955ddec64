// Package flows embeds the shipped flow files (*.yaml beside this file), so
// the binary runs from anywhere. PASSERELLE_FLOWS_DIR points at another
// directory instead. The format is described in README.md.
package flows

import "embed"

// FS holds the shipped flow files.
//
//go:embed *.yaml
var FS embed.FS
