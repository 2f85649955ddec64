package smppgw

import (
	"unicode/utf16"

	"github.com/passerelle/passerelle/internal/channel"
)

// DecodeUTF16BE decodes big-endian UTF-16 (UCS-2, with the surrogate pairs
// phones send for emoji). An odd number of bytes is refused with a 400
// *channel.Error naming field; an unpaired surrogate becomes U+FFFD.
func DecodeUTF16BE(b []byte, field string) (string, error) {
	if len(b)%2 != 0 {
		return "", channel.BadRequest("%s is not UCS-2 (odd length)", field)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u)), nil
}

// EncodeUTF16BE encodes s as big-endian UTF-16.
func EncodeUTF16BE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c>>8), byte(c)
	}
	return b
}
