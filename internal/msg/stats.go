package msg

// Stats are staff's counts, kept in Redis as hops, registrations and sends
// happen (never by scanning); they hold no personal data.
type Stats struct {
	// Registrations counts first registrations: in all, by answer (region,
	// situation, sector, lang) and value, by the mobile operator of the
	// number ("operator": mtn, orange, …), and by day (YYYY-MM-DD, UTC).
	Registrations RegistrationStats `json:"registrations"`
	// Flows counts, for each flow and node, how many conversations reached
	// it (once per conversation) and how many sessions stopped there
	// without finishing (a USSD session left, a conversation timed out).
	Flows map[string]map[string]NodeStats `json:"flows"`
	// SMS counts by route: sent, delivered, failed, undelivered.
	SMS map[string]map[string]int64 `json:"sms"`
}

// RegistrationStats counts registrations.
type RegistrationStats struct {
	Total int64                       `json:"total"`
	By    map[string]map[string]int64 `json:"by"`
	Days  map[string]int64            `json:"days"`
}

// NodeStats is one node of the funnel.
type NodeStats struct {
	Reached   int64 `json:"reached"`
	Abandoned int64 `json:"abandoned"`
}
