package sim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Script commands, one a line ('#' starts a comment):
//
//	dial              open a new USSD session
//	> TEXT            answer in the current USSD session (TEXT may be empty)
//	sms TEXT          send an SMS
//	retry             send the last message again
//	drop              the USSD session drops without an answer
//	wait DURATION     the clock moves (Go duration: 90s, 25h)
//	phone +2376…      the next messages come from another person
//	campaign ID FLOW:NODE WINDOW
//	                  the phone receives campaign ID's SMS: a reply within
//	                  WINDOW (a Go duration) enters FLOW:NODE
//
// Run plays a script and writes the transcript: each message sent, then the
// reply, indented.
func Run(ctx context.Context, script io.Reader, phones func(msg.Address) *Phone, first msg.Address, out io.Writer) error {
	p := phones(first)
	sc := bufio.NewScanner(script)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		cmd, arg, _ := strings.Cut(strings.TrimSpace(raw), " ")
		if strings.HasPrefix(strings.TrimSpace(raw), ">") {
			cmd, arg = ">", strings.TrimPrefix(strings.TrimSpace(raw), ">")
			arg = strings.TrimPrefix(arg, " ")
		}
		var (
			r   msg.Reply
			err error
		)
		switch cmd {
		case "", "#":
			fmt.Fprintln(out, raw)
			continue
		case "dial":
			fmt.Fprintf(out, "dial %s\n", p.Service)
			r, err = p.Dial(ctx)
		case ">":
			fmt.Fprintf(out, "> %s\n", arg)
			r, err = p.Answer(ctx, arg)
		case "sms":
			fmt.Fprintf(out, "sms %s\n", arg)
			r, err = p.SMS(ctx, arg)
		case "retry":
			fmt.Fprintln(out, "retry")
			r, err = p.Retry(ctx)
		case "drop":
			fmt.Fprintln(out, "drop")
			p.Drop()
			continue
		case "wait":
			d, perr := time.ParseDuration(arg)
			if perr != nil {
				return fmt.Errorf("error in script line %d: %w", line, perr)
			}
			fmt.Fprintf(out, "wait %s\n", arg)
			p.Clock.Advance(d)
			continue
		case "campaign":
			f := strings.Fields(arg)
			if len(f) != 3 || p.Campaign == nil {
				return fmt.Errorf("error in script line %d: want campaign ID FLOW:NODE WINDOW on a phone that receives campaigns", line)
			}
			d, perr := time.ParseDuration(f[2])
			if perr != nil {
				return fmt.Errorf("error in script line %d: %w", line, perr)
			}
			fmt.Fprintf(out, "campaign %s\n", arg)
			if err := p.Campaign(ctx, p.From, f[0], f[1], d); err != nil {
				return fmt.Errorf("error in script line %d: %w", line, err)
			}
			fmt.Fprintln(out, "  (campaign SMS received)")
			continue
		case "phone":
			a, perr := msg.ParseAddress(arg)
			if perr != nil {
				return fmt.Errorf("error in script line %d: %w", line, perr)
			}
			fmt.Fprintf(out, "phone %s\n", a)
			p = phones(a)
			continue
		default:
			if strings.HasPrefix(cmd, "#") {
				fmt.Fprintln(out, raw)
				continue
			}
			return fmt.Errorf("error in script line %d: unknown command %q", line, cmd)
		}
		if err != nil {
			fmt.Fprintf(out, "  !! %v\n", err)
		}
		WriteReply(out, p.last.Channel, r)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("error reading script: %w", err)
	}
	return nil
}

// WriteReply writes a reply as a phone shows it, indented under its message.
func WriteReply(out io.Writer, ch msg.Channel, r msg.Reply) {
	tag := "CON"
	switch {
	case ch == msg.SMS:
		tag = "SMS"
	case r.End:
		tag = "END"
	}
	for i, m := range r.Messages {
		if i > 0 {
			tag = "   "
		}
		for j, l := range strings.Split(m, "\n") {
			if j == 0 {
				fmt.Fprintf(out, "  %s %s\n", tag, l)
			} else {
				fmt.Fprintf(out, "      %s\n", l)
			}
		}
	}
	if len(r.Messages) == 0 {
		fmt.Fprintf(out, "  %s (nothing)\n", tag)
	}
}
