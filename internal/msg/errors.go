package msg

import "errors"

// Errors a store returns; callers test them with errors.Is.
var (
	// ErrConflict: the conversation changed since it was read; read again.
	ErrConflict = errors.New("conversation changed concurrently")
	// ErrRefTaken: the registration's reference code is already used; draw another.
	ErrRefTaken = errors.New("reference code already used")
	// ErrNotFound: nothing is stored under that key.
	ErrNotFound = errors.New("not found")
)
