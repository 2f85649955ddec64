package chat_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestLateDuplicateHopChangesNothing: a provider's late duplicate of an
// earlier hop (a shorter cumulative text) re-shows the current screen and
// changes no answer.
func TestLateDuplicateHopChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000001")
	ctx := context.Background()
	play(t, h, from, "1", "1", "1", "Awa Moussa") // at the age question
	before, _ := h.Store.Load(ctx, h.Hasher.Person(from), "")
	in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: from, Session: "SIM-237674000001-1", Text: "1*1*1", Cumulative: true}
	r, err := h.Service.Handle(ctx, in)
	if err != nil || !strings.HasPrefix(r.Messages[0], "Votre age:") {
		t.Fatalf("reply %q, %v", r.Messages, err)
	}
	after, _ := h.Store.Load(ctx, h.Hasher.Person(from), "")
	if string(before.State) == "" || strings.Contains(string(after.State), "under18") {
		t.Fatalf("the duplicate was taken as an answer")
	}
	// The real next hop still lands on the right question.
	in.Text = "1*1*1*Awa Moussa*2"
	if r, _ := h.Service.Handle(ctx, in); !strings.HasPrefix(r.Messages[0], "Votre situation:") {
		t.Fatalf("next hop: %q", r.Messages)
	}
}

// TestBackForgetsSkippedAnswers: going back and taking a path that skips a
// question leaves no answer from the other path in the registration.
func TestBackForgetsSkippedAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000002")
	// migrant → origin Nigeria → region; back twice; returnee (no origin) → …
	r := play(t, h, from, "1", "1", "1", "Awa Moussa", "3", "1", "1", "0", "0", "2", "2", "Garoua", "2", "2", "1")
	if !r.End {
		t.Fatalf("did not end: %q", r.Messages)
	}
	reg, err := h.Store.RegistrationOf(context.Background(), h.Hasher.Person(from))
	if err != nil {
		t.Fatal(err)
	}
	if reg.Answers["situation"] != "returnee" || reg.Answers["origin"] != "" {
		t.Fatalf("answers %v: the origin of the path not taken was kept", reg.Answers)
	}
}

// TestRestartForgetsAnswers: "start again" from the summary asks everything
// afresh and keeps nothing of the first attempt.
func TestRestartForgetsAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000003")
	first := []string{"1", "Awa Moussa", "3", "1", "1", "2", "Garoua", "2", "2"}
	second := []string{"1", "Awa Moussa", "3", "2", "2", "Garoua", "2", "2", "1"}
	inputs := append(append([]string{"1", "1"}, first...), "2") // summary → Recommencer
	r := play(t, h, from, append(inputs, second...)...)
	if !r.End {
		t.Fatalf("did not end: %q", r.Messages)
	}
	reg, err := h.Store.RegistrationOf(context.Background(), h.Hasher.Person(from))
	if err != nil || reg.Answers["situation"] != "returnee" || reg.Answers["origin"] != "" {
		t.Fatalf("answers %v (%v)", reg.Answers, err)
	}
}

// TestPagingAfterHint: after a wrong answer on a paged screen (the
// consent's details), the pages are those counted with the hint; walked
// with 98, every line is shown once, and the option only on the last page.
func TestPagingAfterHint(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000004")
	ph := h.Phone(from)
	ctx := context.Background()
	play(t, h, from, "1", "1", "3") // the consent's details, page 1
	r, _ := ph.Answer(ctx, "7")
	seen := []string{r.Messages[0]}
	for i := 0; i < 5 && strings.Contains(r.Messages[0], "98."); i++ {
		r, _ = ph.Answer(ctx, "98")
		seen = append(seen, r.Messages[0])
	}
	all := strings.Join(seen, "\n")
	for _, want := range []string{"Choix invalide", "Nous demandons", "numéro de téléphone", "SUPPRIMER", "1. Continuer"} {
		if strings.Count(all, want) != 1 {
			t.Fatalf("%q shown %d times over the pages:\n%s", want, strings.Count(all, want), strings.Join(seen, "\n----\n"))
		}
	}
	if !strings.Contains(seen[len(seen)-1], "1. Continuer") {
		t.Fatalf("the option is not on the last page:\n%s", seen[len(seen)-1])
	}
}

// TestCallbackSavedOnceUnderConcurrentRetries: two identical final hops at
// once store one call-back request, with the reference the person sees.
func TestCallbackSavedOnceUnderConcurrentRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000005")
	ctx := context.Background()
	// main menu → support → call-back → topic 1: find the path from the flow.
	r := play(t, h, from, "1", "3")
	if !strings.Contains(r.Messages[0], "rappel") {
		t.Skipf("support menu changed: %q", r.Messages)
	}
	lines := strings.Split(r.Messages[0], "\n")
	pick := ""
	for _, l := range lines {
		if strings.Contains(strings.ToLower(l), "rappel") {
			pick = l[:strings.Index(l, ".")]
		}
	}
	ph := h.Phone(from)
	r, _ = ph.Answer(ctx, pick) // the topic question
	text := "1*3*" + pick + "*1"
	var wg sync.WaitGroup
	replies := make([]msg.Reply, 2)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i], _ = h.Service.Handle(ctx, msg.Inbound{Channel: msg.USSD, Provider: "sim", From: from, Session: "SIM-237674000005-1", Text: text, Cumulative: true})
		}()
	}
	wg.Wait()
	h.Outbox.Drain(t)
	all, total, err := h.Store.Callbacks(ctx, true, 0, 10)
	if err != nil || total != 1 || len(all) != 1 {
		t.Fatalf("%d call-backs (%v): %+v; replies %q / %q", total, err, all, replies[0].Messages, replies[1].Messages)
	}
	if !strings.Contains(replies[0].Messages[0], all[0].Ref) || replies[0].Messages[0] != replies[1].Messages[0] {
		t.Fatalf("ref %s not in the replies %q / %q", all[0].Ref, replies[0].Messages, replies[1].Messages)
	}
}

// TestPendingErasureLapses: an erasure question asked by SMS lapses on a
// USSD hop, and a menu number never confirms it.
func TestPendingErasureLapses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	const a = msg.Address("+237674000006")
	play(t, h, a, "1", "1", "1", "Awa Moussa", "3", "1", "1", "2", "Garoua", "2", "2", "1")
	sms(t, h, a, "SUPPRIMER")
	if r := sms(t, h, a, "1"); !strings.Contains(r.Messages[0], "Rien n'a été effacé") {
		t.Fatalf("'1' answered the erasure question: %q", r.Messages)
	}
	sms(t, h, a, "SUPPRIMER")
	play(t, h, a) // a USSD dial in between
	sms(t, h, a, "oui")
	if _, err := h.Store.RegistrationOf(ctx, h.Hasher.Person(a)); err != nil {
		t.Fatalf("the lapsed question erased the registration: %v", err)
	}
}

// TestENInsideSentenceIsNoKeyword: "En attente" is French, not EN.
func TestENInsideSentenceIsNoKeyword(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const a = msg.Address("+237674000007")
	sms(t, h, a, "Bonjour")
	sms(t, h, a, "1")
	if r := sms(t, h, a, "En attente"); strings.Contains(r.Messages[0], "Language set") {
		t.Fatalf("a French sentence switched to English: %q", r.Messages)
	}
}

// TestFloodRetryGetsCachedReply: past the limit, a provider retry of a
// message already answered gets that answer, not silence.
func TestFloodRetryGetsCachedReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const a = msg.Address("+237674000008")
	ctx := context.Background()
	t.Cleanup(func() { _ = h.Store.DeletePerson(context.Background(), h.Hasher.Person(a)) })
	ph := h.Phone(a)
	first, _ := ph.SMS(ctx, "Bonjour")
	in := msg.Inbound{Channel: msg.SMS, Provider: "sim", From: a, Text: "Bonjour", ExternalID: "SM-237674000008-1"}
	for i := 0; i < 40; i++ {
		sms(t, h, a, "x")
	}
	r, err := h.Service.Handle(ctx, in)
	if err != nil || strings.Join(r.Messages, "") != strings.Join(first.Messages, "") {
		t.Fatalf("retry past the limit: %q, want %q", r.Messages, first.Messages)
	}
}

// observer records what the service reports.
type observer struct {
	mu                  sync.Mutex
	hops, acts, failure []string
}

func (o *observer) Hop(ch msg.Channel, node string) {
	o.mu.Lock()
	o.hops = append(o.hops, string(ch)+" "+node)
	o.mu.Unlock()
}
func (o *observer) Action(name string) { o.mu.Lock(); o.acts = append(o.acts, name); o.mu.Unlock() }
func (o *observer) Failed()            { o.mu.Lock(); o.failure = append(o.failure, "x"); o.mu.Unlock() }

func TestObserverSeesHopsActionsFailures(t *testing.T) {
	t.Parallel()
	obs := &observer{}
	h := apptest.NewWith(t, nil, func(c *chat.Config) { c.Observer = obs })
	play(t, h, "+237674000009", "1", "1", "2") // language, register, refuse
	svc := chat.New(h.Content.Engine, h.Renderer, failingStore{h.Store}, h.Hasher, nil, chat.Config{Observer: obs})
	if _, err := svc.Handle(context.Background(), msg.Inbound{Channel: msg.USSD, From: "+237674000010", Session: "X", Cumulative: true}); err == nil {
		t.Fatal("no failure")
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.hops) != 4 || obs.hops[0] != "ussd main:language" || obs.hops[3] != "ussd registration:declined" {
		t.Fatalf("hops %v", obs.hops)
	}
	if strings.Join(obs.acts, ",") != "set_language,clear_answers,load_registration,clear_answers" || len(obs.failure) != 1 {
		t.Fatalf("actions %v failures %v", obs.acts, obs.failure)
	}
}
