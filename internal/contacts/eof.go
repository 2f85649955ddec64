package contacts

import "io"

// errEOF is what the YAML decoder returns for an empty file.
var errEOF = io.EOF
