package redisstore

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

// A hop's two commands are built here rather than by go-redis's typed
// helpers, which box every key (and a script's digest) into an interface
// apart: one allocation each, a dozen a hop. Here the keys of a command
// live in one array and travel as pointers into it (go-redis writes a
// *string as its string, and reads it as the key when it routes a command
// on a Cluster), and a script's digest is boxed once for good.

// script is a Lua script and its digest, boxed once.
type script struct {
	*redis.Script
	sha any
}

func newScript(src string) script {
	sc := redis.NewScript(src)
	return script{Script: sc, sha: sc.Hash()}
}

// evalShaOf is the EVALSHA of sc on h's keys and its arguments
// h.a[hopArgv:n], not yet sent: the command is h.a[:n] itself.
func (sc script) evalShaOf(ctx context.Context, h *hopArgs, n int) *redis.Cmd {
	h.a[0], h.a[1], h.a[2] = "evalsha", sc.sha, len(h.keys)
	for i := range h.keys {
		h.a[3+i] = &h.keys[i]
	}
	cmd := redis.NewCmd(ctx, h.a[:n]...)
	cmd.SetFirstKeyPos(3)
	return cmd
}

// isNoScript tells whether err is Redis's answer to an EVALSHA of a script
// it does not hold.
func isNoScript(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}
