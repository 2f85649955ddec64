package chat

import "github.com/passerelle/passerelle/internal/flow"

// Messages lists the message IDs the chat service shows itself (keyword
// answers, apologies, notices), beyond the flows' and the engine's
// built-ins. The content check requires them in every language and lint
// counts them as used.
var Messages = []string{
	flow.MsgUnavailable,
}
