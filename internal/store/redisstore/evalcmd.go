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

// scripter runs commands and scripts: a client (redis.UniversalClient).
type scripter interface {
	redis.Scripter
	Process(ctx context.Context, cmd redis.Cmder) error
}

// run is redis.Script's Run: EVALSHA, then EVAL when the server does not
// hold the script (a restart, a failover).
func (sc script) run(ctx context.Context, c scripter, keys []string, args []any) *redis.Cmd {
	cmd := sc.evalSha(ctx, keys, args)
	_ = c.Process(ctx, cmd)
	if isNoScript(cmd.Err()) {
		return sc.Eval(ctx, c, keys, args...)
	}
	return cmd
}

// isNoScript tells whether err is Redis's answer to an EVALSHA of a script
// it does not hold.
func isNoScript(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}
