package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

const staffUsage = `passerelle staff add -name NAME -role viewer|caseworker|manager|admin [settings] < password

Creates a staff account of the web console in the configured Redis
(PASSERELLE_REDIS_URL). The password is the first line of stdin, never a
flag (flags show in the process list and the shell's history): type it at
the prompt, or pipe it from a password manager.`

// staffCommand runs `passerelle staff add`. It returns 0 when the account
// is created, 1 when it cannot be (the name is taken, the store does not
// answer), 2 for bad flags or a password refused.
func staffCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage:", staffUsage)
		return 2
	}
	own := flag.NewFlagSet("staff add", flag.ContinueOnError)
	own.SetOutput(stderr)
	name := own.String("name", "", "the account's name (letters, digits and ._-, at most 32)")
	role := own.String("role", "", "viewer, caseworker, manager (campaigns) or admin")
	mine, rest := splitFlags(own, args[1:])
	if err := own.Parse(mine); err != nil {
		return 2
	}
	ownHelp(own, staffUsage, rest)
	if !msg.StaffName.MatchString(*name) || !msg.Role(*role).Valid() {
		fmt.Fprintln(stderr, "passerelle staff add: want -name NAME (letters, digits and ._-, at most 32) and -role viewer|caseworker|manager|admin")
		return 2
	}
	cfg, _, err := loadConfig("staff", rest, getenv)
	if err != nil {
		return configError(stderr, err)
	}
	if cfg.RedisURL == "" {
		fmt.Fprintln(stderr, "passerelle staff add: PASSERELLE_REDIS_URL is empty: an account in the embedded store would vanish with this command")
		return 2
	}
	fmt.Fprintf(stderr, "password for %s (at least %d characters), then Enter: ", *name, console.MinPasswordLength)
	pw, err := readPassword(stdin)
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "passerelle staff add: error reading the password:", err)
		return 1
	}
	if err := console.CheckPassword(pw); err != nil {
		fmt.Fprintln(stderr, "passerelle staff add:", err)
		return 2
	}
	hash, err := console.HashPassword(pw, console.DefaultArgon2)
	if err != nil {
		fmt.Fprintln(stderr, "passerelle staff add:", err)
		return 1
	}
	opts := app.StoreOptions(cfg)
	opts.URL = cfg.RedisURL
	store, err := redisstore.Open(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "passerelle staff add:", err)
		return 1
	}
	defer store.Close()
	now := time.Now()
	if err := store.CreateStaff(ctx, msg.StaffAccount{Name: *name, Role: msg.Role(*role), Hash: hash, Created: now}); err != nil {
		fmt.Fprintln(stderr, "passerelle staff add:", err)
		return 1
	}
	if err := store.AppendAudit(ctx, "shell", now, "staff_add", "name", *name, "role", *role); err != nil {
		fmt.Fprintln(stderr, "passerelle staff add: the account exists, but the audit entry was not written:", err)
		return 1
	}
	fmt.Fprintf(stdout, "staff account %s (%s) created\n", *name, *role)
	return 0
}

// readPassword reads the first line of in, without echo when in is a
// terminal.
func readPassword(in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
