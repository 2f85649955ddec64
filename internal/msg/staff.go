package msg

import (
	"errors"
	"regexp"
	"time"
)

// Role is what a staff member of the web console may do.
type Role string

// Roles, from least to most trusted. A viewer reads counts only; a
// caseworker also handles registrations and call-back requests; a campaign
// manager also handles campaigns; an administrator does everything,
// reading the audit stream included.
const (
	Viewer          Role = "viewer"
	Caseworker      Role = "caseworker"
	CampaignManager Role = "manager"
	Administrator   Role = "admin"
)

// Roles lists every role, least trusted first.
var Roles = []Role{Viewer, Caseworker, CampaignManager, Administrator}

// Valid tells whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// ErrStaffExists: a staff account of that name already exists.
var ErrStaffExists = errors.New("staff account already exists")

// StaffAccount is a staff member's account on the web console. Hash is the
// password's encoded hash (argon2id), never the password.
type StaffAccount struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Hash    string    `json:"-"`
	Created time.Time `json:"created"`
}

// StaffSession is a signed-in console session: whose, its CSRF token, and
// when it ends.
type StaffSession struct {
	Name    string
	CSRF    string
	Expires time.Time
}

// StaffName is what a staff member's name may be: a console account, a
// call-back's assignee.
var StaffName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)
