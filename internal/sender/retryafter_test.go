package sender

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, time.October, 21, 7, 28, 0, 0, time.UTC)
	cases := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 30 ", 30 * time.Second},
		{"zero", "0", 0},
		{"an hour", "3600", time.Hour},
		{"capped", "3601", MaxRetryAfter},
		{"overflow capped", "99999999999999999999999", MaxRetryAfter},
		{"negative", "-5", 0},
		{"fraction", "1.5", 0},
		{"go duration", "30s", 0},
		{"word", "soon", 0},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"rfc 850 date", "Tuesday, 21-Oct-25 07:30:00 GMT", 2 * time.Minute},
		{"asctime date", "Tue Oct 21 07:29:00 2025", time.Minute},
		{"date now", now.Format(http.TimeFormat), 0},
		{"past date", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"far date capped", now.Add(48 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
		{"date without zone", "Tue, 21 Oct 2025 07:30:00", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := ParseRetryAfter(c.value, now); got != c.want {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %v", c.value, got, c.want)
			}
		})
	}
}

func TestRetryAfterOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"nil", nil, 0},
		{"plain", errors.New("boom"), 0},
		{"none said", &Error{Retryable: true}, 0},
		{"wrapped", fmt.Errorf("error sending message m-1: %w", &Error{Retryable: true, RetryAfter: 7 * time.Second}), 7 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := RetryAfterOf(c.err); got != c.want {
				t.Fatalf("RetryAfterOf(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}
