package flow

// Screen is what the person sees for a state, as message IDs; the renderer
// turns it into text in the person's language.
type Screen struct {
	// Key is the node's full key.
	Key string
	// Hint is shown above the question, after a wrong answer.
	Hint string
	// Say is the question or page text.
	Say string
	// Options are the labels of the numbered choices, numbered from 1.
	Options []string
	// End tells that the conversation closes with this screen.
	End bool
	// Sources name where the page's facts come from.
	Sources []string
}

var (
	resumeOptions = []string{MsgContinue, MsgRestart}
	infoOptions   = []string{MsgContinue}
)

// Screen returns the screen for a state.
func (e *Engine) Screen(st State) Screen {
	if st.Resuming {
		return Screen{Key: st.Node, Hint: st.Hint, Say: MsgResume, Options: resumeOptions}
	}
	n, ok := e.set.Node(st.Node)
	if !ok {
		return Screen{Key: st.Node, End: true}
	}
	sc := Screen{Key: st.Node, Hint: st.Hint, Say: n.Say, Sources: n.Sources}
	switch n.Type {
	case Menu:
		sc.Options = e.set.optionLabels(st.Node, n)
	case Info:
		sc.Options = infoOptions
	case End:
		sc.End = true
	}
	return sc
}

// optionLabels returns a menu's label IDs, computed once per node.
func (s *Set) optionLabels(key string, n *Node) []string {
	if l, ok := s.optLabels[key]; ok {
		return l
	}
	l := make([]string, len(n.Options))
	for i, o := range n.Options {
		l[i] = o.Label
	}
	return l
}
