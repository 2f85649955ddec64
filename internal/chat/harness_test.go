package chat_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

var testStart = apptest.Start

func newHarness(tb testing.TB) *apptest.App { return apptest.New(tb, nil) }
