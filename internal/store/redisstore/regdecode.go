package redisstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// decodeRegistration turns a registration hash into a msg.Registration. It
// returns an error when the created time does not parse.
func decodeRegistration(h map[string]string) (msg.Registration, error) {
	r := msg.Registration{
		Ref:     h["ref"],
		Person:  msg.PersonID(h["person"]),
		Phone:   msg.Address(h["phone"]),
		Lang:    msg.Lang(h["lang"]),
		Channel: msg.Channel(h["channel"]),
		Answers: make(map[string]string, len(h)),
	}
	if c := h["created"]; c != "" {
		t, err := time.Parse(time.RFC3339, c)
		if err != nil {
			return msg.Registration{}, fmt.Errorf("error parsing registration %s created time: %w", r.Ref, err)
		}
		r.Created = t
	}
	for k, v := range h {
		if name, ok := strings.CutPrefix(k, answerPrefix); ok {
			r.Answers[name] = v
		}
	}
	return r, nil
}
