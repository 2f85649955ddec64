package sender

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	cause := errors.New("boom")
	cases := []struct {
		name                       string
		err                        error
		retryable, optedOut, inval bool
	}{
		{"nil", nil, false, false, false},
		{"plain", cause, false, false, false},
		{"retryable wrapped", fmt.Errorf("error x: %w", &Error{Retryable: true, Err: cause}), true, false, false},
		{"opted out", &Error{OptedOut: true}, false, true, false},
		{"invalid", fmt.Errorf("error y: %w", &Error{InvalidNumber: true}), false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if IsRetryable(c.err) != c.retryable || IsOptedOut(c.err) != c.optedOut || IsInvalidNumber(c.err) != c.inval {
				t.Fatalf("helpers misclassify %v", c.err)
			}
		})
	}
	if e := (&Error{Err: cause}); !errors.Is(e, cause) {
		t.Fatal("Unwrap does not reach the cause")
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  *Error
		want string
	}{
		{"full", &Error{Provider: "twilio", Status: 400, Code: "21211", InvalidNumber: true,
			Err: errors.New("The 'To' number +237670000001 is not valid")},
			"twilio http 400 code 21211 (invalid number): The 'To' number +*** is not valid"},
		{"short digit runs kept", &Error{Provider: "africastalking", Status: 500, Retryable: true, Err: errors.New("code 12345 at 1")},
			"africastalking http 500 (retryable): code 12345 at 1"},
		{"trailing number", &Error{Provider: "x", Err: errors.New("to 0670000001")}, "x: to ***"},
		{"no cause", &Error{Provider: "twilio", OptedOut: true}, "twilio (opted out)"},
		{"retry after", &Error{Provider: "twilio", Status: 429, Code: "20429", Retryable: true, RetryAfter: 30 * time.Second},
			"twilio http 429 code 20429 (retryable) retry after 30s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := c.err.Error(); got != c.want {
				t.Fatalf("Error() = %q, want %q", got, c.want)
			}
		})
	}
}

func TestFunc(t *testing.T) {
	t.Parallel()
	var s Sender = Func(func(_ context.Context, m msg.Outbound) (Result, error) {
		return Result{ProviderID: "f-" + m.ID}, nil
	})
	if res, err := s.Send(context.Background(), msg.Outbound{ID: "1"}); err != nil || res.ProviderID != "f-1" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
}
