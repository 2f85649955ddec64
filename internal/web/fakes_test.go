package web_test

import (
	"context"
	"errors"
)

var errDown = errors.New("redis down")

type pingFunc func() error

func (f pingFunc) Ping(context.Context) error { return f() }
