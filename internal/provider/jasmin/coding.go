package jasmin

import (
	"strconv"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// alphabet is how a message's bytes are written.
type alphabet int

const (
	gsm7   alphabet = iota // GSM 03.38 default alphabet, one septet a byte
	latin1                 // ISO-8859-1 (IA5/ASCII is its first half)
	ucs2                   // UTF-16BE
)

// alphabetOf reads an SMPP data_coding value as Jasmin forwards it (the
// "coding" field, decimal; absent is 0). Supported: 0 (SMSC default
// alphabet, GSM 03.38), 1 (IA5/ASCII), 3 (Latin-1), 8 (UCS-2), and the GSM
// 03.38 data coding groups that only add a message class to those
// alphabets (0x10-0x13, 0x18-0x1B, 0xF0-0xF3). Binary, compressed and
// national codings are refused: they are not text a person typed.
func alphabetOf(coding string) (alphabet, error) {
	if coding == "" {
		return gsm7, nil
	}
	dcs, err := strconv.Atoi(coding)
	if err != nil || len(coding) > 3 || dcs < 0 || dcs > 255 {
		return 0, channel.BadRequest("bad coding")
	}
	switch {
	case dcs == 0, dcs >= 0x10 && dcs <= 0x13, dcs >= 0xF0 && dcs <= 0xF3:
		return gsm7, nil
	case dcs == 1, dcs == 3:
		return latin1, nil
	case dcs == 8, dcs >= 0x18 && dcs <= 0x1B:
		return ucs2, nil
	}
	return 0, channel.BadRequest("unsupported coding")
}

// decodeContent turns a message's bytes into text. Bytes said to be in the
// GSM alphabet that cannot be (a byte over 0x7F: some SMSCs send Latin-1 or
// UTF-8 under data_coding 0) are read as UTF-8 when they are valid UTF-8,
// else as Latin-1.
func decodeContent(a alphabet, b []byte) (string, error) {
	switch a {
	case ucs2:
		return smppgw.DecodeUTF16BE(b, "content")
	case latin1:
		return decodeLatin1(b), nil
	}
	for _, c := range b {
		if c > 0x7F {
			if utf8.Valid(b) {
				return string(b), nil
			}
			return decodeLatin1(b), nil
		}
	}
	return decodeGSM(b), nil
}

// decodeLatin1 maps each byte to the code point of the same value.
func decodeLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
