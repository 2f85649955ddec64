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

// evalSha is the EVALSHA of sc on keys and args, not yet sent.
func (sc script) evalSha(ctx context.Context, keys []string, args []any) *redis.Cmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, "evalsha", sc.sha, len(keys))
	for i := range keys {
		a = append(a, &keys[i])
	}
	a = append(a, args...)
	cmd := redis.NewCmd(ctx, a...)
	if len(keys) > 0 {
		cmd.SetFirstKeyPos(3)
	}
	return cmd
}

// isNoScript tells whether err is Redis's answer to an EVALSHA of a script
// it does not hold.
func isNoScript(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}
