package smppgw

import (
	"net/url"

	"github.com/passerelle/passerelle/internal/channel"
)

// Form decodes a query string or a form body. It refuses, with a 400
// *channel.Error, a malformed encoding and any of the keys named in single
// given more than once: a gateway sends each field once, and a second value
// would be a guess. The values do not alias raw.
func Form(raw string, single ...string) (url.Values, error) {
	form, err := url.ParseQuery(raw)
	if err != nil {
		return nil, channel.BadRequest("malformed form")
	}
	for _, k := range single {
		if len(form[k]) > 1 {
			return nil, channel.BadRequest("repeated field: %s", k)
		}
	}
	return form, nil
}
