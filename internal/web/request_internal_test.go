package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/passerelle/passerelle/internal/deadline"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// referenceRequest is request as first written: everything copied.
func referenceRequest(c *fiber.Ctx, headers []string, now time.Time) provider.Request {
	uri := c.Request().URI()
	raw := string(uri.QueryString())
	q, _ := url.ParseQuery(raw)
	var h http.Header
	if len(headers) > 0 {
		h = make(http.Header, len(headers))
		for _, k := range headers {
			if v := c.Get(k); v != "" {
				h.Set(k, strings.Clone(v))
			}
		}
	}
	return provider.Request{
		Method: strings.Clone(c.Method()), Path: string(uri.PathOriginal()), RawQuery: raw, Query: q,
		Header: h, Body: bytes.Clone(c.Request().Body()), Now: now,
	}
}

// webhookCtx is a Fiber context of one request.
func webhookCtx(tb testing.TB, method, uri, body string, header map[string]string) *fiber.Ctx {
	tb.Helper()
	app := fiber.New()
	fctx := &fasthttp.RequestCtx{}
	fctx.Request.Header.SetMethod(method)
	fctx.Request.SetRequestURI(uri)
	for k, v := range header {
		fctx.Request.Header.Set(k, v)
	}
	fctx.Request.SetBodyString(body)
	c := app.AcquireCtx(fctx)
	tb.Cleanup(func() { app.ReleaseCtx(c) })
	return c
}

// TestRequestSameAsReference: the request a route reads is the one it
// always was, and owns its strings: fasthttp's buffers overwritten, it is
// unchanged.
func TestRequestSameAsReference(t *testing.T) {
	t.Parallel()
	now := time.Unix(1764000000, 0)
	cases := []struct {
		name, method, uri, route, body string
		headers                        []string
	}{
		{"ussd post", "POST", "/ussd/test", "/ussd/test", "session=a&phone=b&text=", nil},
		{"query", "GET", "/dlr/jasmin?id=1&mid=a%20b&token=t", "/dlr/jasmin", "", nil},
		{"path not the route", "POST", "/sms/Twilio", "/sms/twilio", "Body=x", []string{"X-Twilio-Signature"}},
		{"route with a parameter", "PUT", "/cb/42", "/cb/:id", "x", nil},
		{"other method", "PROPFIND", "/ussd/test", "/ussd/test", "", nil},
		{"empty body", "DELETE", "/ussd/test", "/ussd/test", "", []string{"X-Missing"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := webhookCtx(t, c.method, c.uri, c.body, map[string]string{"X-Twilio-Signature": "c2lnbmF0dXJl"})
			got, want := request(ctx, c.headers, c.route, now), referenceRequest(ctx, c.headers, now)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("request = %+v, want %+v", got, want)
			}
			ctx.Request().Reset()
			ctx.Request().Header.SetMethod("XXXXXXXX")
			ctx.Request().SetRequestURI("/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx?xxxxxxxxxxxxxxxxxxxxxxxxxxx")
			ctx.Request().SetBodyString(strings.Repeat("x", 64))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("request changed with fasthttp's buffers: %+v, want %+v", got, want)
			}
		})
	}
}

// TestRequestAllocs: a webhook on the path of its route, with a standard
// method and no query, costs the empty query's map and the body's copy.
func TestRequestAllocs(t *testing.T) {
	now := time.Unix(1764000000, 0)
	cases := []struct {
		name, method, uri, route string
		want                     float64
	}{
		{"on the route", "POST", "/ussd/test", "/ussd/test", 2},
		{"another path", "POST", "/ussd/other", "/ussd/test", 3},
		{"other method", "PROPFIND", "/ussd/test", "/ussd/test", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := webhookCtx(t, c.method, c.uri, "session=a&phone=b&text=", nil)
			if n := testing.AllocsPerRun(100, func() { request(ctx, nil, c.route, now) }); n != c.want {
				t.Fatalf("%v allocations, want %v", n, c.want)
			}
		})
	}
}

type fixedConversations struct{ reply msg.Reply }

func (f fixedConversations) Handle(context.Context, msg.Inbound) (msg.Reply, error) {
	return f.reply, nil
}

// TestConversationAllocs: a hop that parses costs the hop's deadline
// context (deadline.New) and nothing for the refusals it does not have (errors.As's target is
// declared on the error's path only).
func TestConversationAllocs(t *testing.T) {
	reply := msg.Reply{Messages: []string{"Bienvenue"}}
	s := New(Config{Conversations: fixedConversations{reply}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r := provider.Route{Conversation: &provider.Conversation{
		Parse: func(provider.Request) (msg.Inbound, error) { return msg.Inbound{Channel: msg.USSD}, nil },
		Answer: func(_ msg.Inbound, reply msg.Reply, _ error) provider.Response {
			return provider.Response{Body: reply.Messages[0]}
		},
	}}
	ctx := webhookCtx(t, "POST", "/ussd/test", "", nil)
	base := testing.AllocsPerRun(100, func() {
		deadline.New(ctx.UserContext(), s.cfg.HopTimeout).Stop()
	})
	n := testing.AllocsPerRun(100, func() {
		if err := s.conversation(ctx, r, provider.Request{}); err != nil {
			t.Fatal(err)
		}
	})
	if n != base {
		t.Fatalf("%v allocations a hop, want %v (the timeout's)", n, base)
	}
	if got := string(ctx.Response().Body()); got != "Bienvenue" {
		t.Fatalf("answer %q", got)
	}
}
