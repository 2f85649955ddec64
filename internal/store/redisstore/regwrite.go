package redisstore

// Indexed answer names, in the order the commit script expects them. A test
// checks they match msg.Indexed.
const (
	ansRegion    = "region"
	ansSituation = "situation"
	ansSector    = "sector"
)

// answerPrefix starts the hash field of each answer.
const answerPrefix = "a."

// createdLayout is RFC 3339 with milliseconds, in UTC.
const createdLayout = "2006-01-02T15:04:05.000Z07:00"
