package msg

// Erased says what an erasure removed.
type Erased struct {
	// Keys is how many of the person's own keys existed (conversation,
	// language, cached replies, quotas, flood counters).
	Keys int `json:"keys"`
	// Registration is the reference of the registration erased, if any.
	Registration string `json:"registration,omitempty"`
	// Callbacks and Messages count the call-back requests and the queued
	// messages erased.
	Callbacks int `json:"callbacks"`
	Messages  int `json:"messages"`
}

// Nothing tells whether nothing was stored about the person.
func (e Erased) Nothing() bool {
	return e.Keys == 0 && e.Registration == "" && e.Callbacks == 0 && e.Messages == 0
}
