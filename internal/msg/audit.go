package msg

// AuditEntry is one line of the audit stream: who, when, what, and the
// filter or reference concerned; never the personal data itself.
type AuditEntry struct {
	ID     string            `json:"id"`
	Fields map[string]string `json:"fields"`
}
