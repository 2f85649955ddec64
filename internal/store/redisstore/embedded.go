package redisstore

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
)

// Embedded starts an in-process Redis-compatible server (miniredis) on a
// loopback port and returns its redis:// URL and a function that stops it.
// Nothing it holds survives the process. It returns an error when the server
// cannot listen.
func Embedded() (url string, stop func(), err error) {
	m, err := miniredis.Run()
	if err != nil {
		return "", nil, fmt.Errorf("error starting embedded redis: %w", err)
	}
	return "redis://" + m.Addr(), m.Close, nil
}
