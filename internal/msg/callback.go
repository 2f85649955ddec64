package msg

import "time"

// Callback is a person's request to be called back by programme staff.
type Callback struct {
	Ref     string    `json:"ref"`
	Person  PersonID  `json:"-"`
	Phone   Address   `json:"phone"`
	Lang    Lang      `json:"lang"`
	Region  string    `json:"region,omitempty"`
	Topic   string    `json:"topic,omitempty"`
	Created time.Time `json:"created"`
	// Done is when staff marked it handled; zero while open.
	Done time.Time `json:"done,omitempty"`
	// Assignee is the staff member who handles it; empty while nobody does.
	Assignee string `json:"assignee,omitempty"`
	// Note is what staff wrote when they marked it done.
	Note string `json:"note,omitempty"`
}
