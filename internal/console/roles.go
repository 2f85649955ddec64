package console

import "github.com/passerelle/passerelle/internal/msg"

// perm is what a page or an action needs.
type perm int

// Permissions. Counts are every role's; people's data is the
// caseworkers'; campaigns the campaign managers'; the audit stream and the
// accounts the administrators'. Administrators may do everything.
const (
	permCounts perm = iota
	permPeople
	permCampaigns
	permAdmin
)

// allows tells whether role r has permission p.
func allows(r msg.Role, p perm) bool {
	switch r {
	case msg.Administrator:
		return true
	case msg.Caseworker:
		return p == permCounts || p == permPeople
	case msg.CampaignManager:
		return p == permCounts || p == permCampaigns
	case msg.Viewer:
		return p == permCounts
	}
	return false
}
