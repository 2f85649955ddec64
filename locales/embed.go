// Package locales embeds the shipped texts (NAME.fr.yaml and NAME.en.yaml
// beside this file, go-i18n message files). PASSERELLE_LOCALES_DIR points at
// another directory instead.
package locales

import "embed"

// FS holds the shipped locale files.
//
//go:embed *.yaml
var FS embed.FS
