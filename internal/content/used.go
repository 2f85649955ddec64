package content

import (
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/flow"
)

// Used returns every message ID something shows: the texts, hints and
// option labels of flow nodes, the arguments of send_sms actions, the
// engine's built-ins (flow.BuiltinMessages) and shown, the IDs Go code shows
// itself (chat.Messages).
func (c *Content) Used(shown []string) map[string]bool {
	used := map[string]bool{}
	for _, id := range flow.BuiltinMessages {
		used[id] = true
	}
	for _, id := range shown {
		used[id] = true
	}
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		for _, id := range nodeMessages(n) {
			used[id] = true
		}
	}
	return used
}

// nodeMessages returns the message IDs a node names.
func nodeMessages(n *flow.Node) []string {
	var out []string
	if n.Say != "" {
		out = append(out, n.Say)
	}
	if n.Hint != "" {
		out = append(out, n.Hint)
	}
	for _, o := range n.Options {
		if o.Label != "" {
			out = append(out, o.Label)
		}
	}
	for _, a := range n.Do {
		if name, arg, _ := strings.Cut(a, ":"); flow.SendsSMS(name) && arg != "" {
			out = append(out, arg)
		}
	}
	return out
}

// Unused returns, sorted, the message IDs defined in some language that
// nothing shows (see Used).
func (c *Content) Unused(shown []string) []string {
	used := c.Used(shown)
	var out []string
	for _, id := range c.messageIDs() {
		if !used[id] {
			out = append(out, id)
		}
	}
	return out
}

// messageIDs returns every message ID defined in any language of the
// catalog, sorted.
func (c *Content) messageIDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range c.Catalog.Languages() {
		for _, id := range c.Catalog.IDs(l) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}
