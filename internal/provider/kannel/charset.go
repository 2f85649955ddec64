package kannel

import (
	"strings"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// Kannel's message codings (%c).
const (
	coding7Bit = "0" // text, in the charset %C names (UTF-8 by default)
	coding8Bit = "1" // binary data
	codingUCS2 = "2" // UTF-16BE
)

// decodeText turns the bytes of an inbound message (%b) into text, as its
// coding (%c) and charset (%C) say. Kannel's SMSC drivers turn GSM, IA5
// and Latin-1 messages into UTF-8 (coding 0); UCS-2 messages stay UTF-16BE
// (coding 2) unless smsbox's mo-recode turned them into UTF-8; older
// versions name WINDOWS-1252 or ISO-8859-1. Binary messages (coding 1)
// are refused: they are not text a person typed.
func decodeText(coding, charset string, b []byte) (string, error) {
	switch coding {
	case "", coding7Bit, codingUCS2:
	case coding8Bit:
		return "", channel.BadRequest("unsupported coding")
	default:
		return "", channel.BadRequest("bad coding")
	}
	cs := strings.ToUpper(charset)
	if cs == "" {
		cs = "UTF-8"
		if coding == codingUCS2 {
			cs = "UTF-16BE"
		}
	}
	switch cs {
	case "UTF-8":
		if !utf8.Valid(b) {
			return "", channel.BadRequest("text is not UTF-8")
		}
		return string(b), nil
	case "UTF-16BE", "UTF-16", "UCS-2", "UCS-2BE":
		return smppgw.DecodeUTF16BE(b, "text")
	case "ISO-8859-1", "ISO_8859-1", "LATIN1":
		return decodeSingleByte(b, nil), nil
	case "WINDOWS-1252", "CP1252":
		return decodeSingleByte(b, &cp1252), nil
	}
	return "", channel.BadRequest("unsupported charset")
}

// cp1252 are the characters Windows-1252 puts at 0x80-0x9F where Latin-1
// has control codes; the five it leaves undefined are U+FFFD.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// decodeSingleByte reads Latin-1, or Windows-1252 with high set.
func decodeSingleByte(b []byte, high *[32]rune) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
		if high != nil && c >= 0x80 && c < 0xA0 {
			r[i] = high[c-0x80]
		}
	}
	return string(r)
}
