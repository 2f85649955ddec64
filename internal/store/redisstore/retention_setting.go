package redisstore

import "time"

// DefaultRetention is how long registrations and call-back requests are
// kept when WithRetention sets nothing: 2 years, as the consent text
// promises (PASSERELLE_RETENTION's default).
const DefaultRetention = 17520 * time.Hour

// WithRetention sets how long registrations and call-back requests are
// kept: one rule for everything a person gave. A call-back request's key
// expires after it, and the purge (PurgeCallbacks, PurgeRegistrations
// given now minus Retention) deletes what is older. Zero or less keeps
// DefaultRetention. It returns s.
func (s *Store) WithRetention(d time.Duration) *Store {
	s.retention = max(d, 0)
	return s
}

// Retention returns how long registrations and call-back requests are kept
// (WithRetention, else DefaultRetention).
func (s *Store) Retention() time.Duration {
	if s.retention > 0 {
		return s.retention
	}
	return DefaultRetention
}

// callbackTTLSeconds is the TTL of a call-back request's key, in seconds:
// the retention, at least one second.
func (s *Store) callbackTTLSeconds() int64 {
	return max(int64(s.Retention()/time.Second), 1)
}
