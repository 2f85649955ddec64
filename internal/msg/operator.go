package msg

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// UnknownOperator names the operator of a number none is known for (a
// fixed line, a foreign number outside the carrier data).
const UnknownOperator = "unknown"

// Operators finds the mobile operator of a number, by the longest prefix
// of a configured table, else from libphonenumber's carrier data (Cameroon
// has no number portability, so the prefix tells the operator). Names are
// short lower-case words ("mtn", "orange", "nexttel", "camtel"), safe as
// metric labels and setting keys. The zero value and nil use the carrier
// data alone. It is safe for concurrent use.
type Operators struct {
	prefixes []operatorPrefix // longest first
}

type operatorPrefix struct{ digits, name string }

var (
	operatorName   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	operatorDigits = regexp.MustCompile(`^[0-9]{1,15}$`)
)

// ParseOperators reads a prefix table: "name=prefix|prefix,name=prefix",
// each prefix the first digits of the E.164 number without '+' ("mtn=23767|
// 237650,orange=23769"). An empty spec is the carrier data alone.
func ParseOperators(spec string) (*Operators, error) {
	o := &Operators{}
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, list, ok := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || !operatorName.MatchString(name) {
			return nil, fmt.Errorf("error reading operators: want name=prefix|prefix, got %q", part)
		}
		for _, d := range strings.Split(list, "|") {
			d = strings.TrimPrefix(strings.TrimSpace(d), "+")
			if !operatorDigits.MatchString(d) {
				return nil, fmt.Errorf("error reading operators: %q is not a prefix of digits", d)
			}
			if seen[d] {
				return nil, fmt.Errorf("error reading operators: prefix %s given twice", d)
			}
			seen[d] = true
			o.prefixes = append(o.prefixes, operatorPrefix{d, name})
		}
	}
	sort.SliceStable(o.prefixes, func(i, j int) bool { return len(o.prefixes[i].digits) > len(o.prefixes[j].digits) })
	return o, nil
}

// Of returns the operator of a (E.164), or UnknownOperator.
func (o *Operators) Of(a Address) string {
	digits := strings.TrimPrefix(string(a), "+")
	if o != nil {
		for _, p := range o.prefixes {
			if strings.HasPrefix(digits, p.digits) {
				return p.name
			}
		}
	}
	return carrierOf(a)
}

// carriers caches the carrier data's answer per number prefix (the first
// 9 digits: country code and more digits than any operator prefix of
// Cameroon's plan): the lookup parses the number, and the same few
// prefixes come back all day. At most maxCarriers are kept.
var (
	carriers  sync.Map // prefix → name
	nCarriers atomic.Int64
)

const maxCarriers = 10000

// carrierOf names the operator from libphonenumber's carrier data.
func carrierOf(a Address) string {
	digits := strings.TrimPrefix(string(a), "+")
	key := digits
	if len(key) > 9 {
		key = key[:9]
	}
	if v, ok := carriers.Load(key); ok {
		return v.(string)
	}
	num, err := phonenumbers.Parse(string(a), "")
	name := UnknownOperator
	if err == nil {
		if c, err := phonenumbers.GetCarrierForNumber(num, "en"); err == nil && c != "" {
			name = slug(c)
		}
	}
	if nCarriers.Load() < maxCarriers {
		if _, loaded := carriers.LoadOrStore(key, name); !loaded {
			nCarriers.Add(1)
		}
	}
	return name
}

// slug turns a carrier's name into an operator name: its first word, lower
// case ("MTN Cameroon" → "mtn", "NEXTTEL" → "nexttel").
func slug(carrier string) string {
	w := strings.ToLower(strings.Fields(carrier)[0])
	var b strings.Builder
	for _, r := range w {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || b.Len() > 32 || b.String()[0] < 'a' {
		return UnknownOperator
	}
	return b.String()
}
