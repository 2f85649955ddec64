package smppgw

import (
	"errors"
	"net/url"

	"github.com/passerelle/passerelle/internal/sender"
)

// TransportError classifies a request that got no answer (refused
// connection, timeout, reset) as a retryable *sender.Error of provider. The
// request's URL is dropped from the cause: a send URL may carry
// credentials in its query.
func TransportError(provider string, err error) *sender.Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &sender.Error{Provider: provider, Retryable: true, Err: err}
}
