// Package logctx carries the request id in a context.Context so that every
// log line written with that context names its request, wherever it is
// written (web handlers, the chat service, the store).
package logctx

import (
	"context"
	"log/slog"
)

type key struct{}

// idCtx is a context carrying a request id. It is what context.WithValue
// would make, in one allocation rather than two (WithValue's context, and
// the id boxed in an interface): its Value of key{} is itself, and
// RequestID reads the id from it.
type idCtx struct {
	context.Context
	id string
}

func (c *idCtx) Value(k any) any {
	if k == (key{}) {
		return c
	}
	return c.Context.Value(k)
}

// With returns ctx carrying a request id.
func With(ctx context.Context, requestID string) context.Context {
	return &idCtx{ctx, requestID}
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	if c, ok := ctx.Value(key{}).(*idCtx); ok {
		return c.id
	}
	return ""
}

// Handler wraps h so that records logged with a context carrying a request
// id get a request_id attribute.
func Handler(h slog.Handler) slog.Handler { return handler{h} }

type handler struct{ slog.Handler }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h handler) WithAttrs(as []slog.Attr) slog.Handler { return handler{h.Handler.WithAttrs(as)} }
func (h handler) WithGroup(name string) slog.Handler    { return handler{h.Handler.WithGroup(name)} }
