package broadcast

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// NewID returns a short random campaign id: "C" and 10 hexadecimal
// letters and digits.
func NewID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "C" + strings.ToUpper(hex.EncodeToString(b))
}
