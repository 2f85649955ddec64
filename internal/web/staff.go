package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// Auditor writes staff actions and reads of personal data to the audit
// stream, and reads it back (redisstore.Store).
type Auditor interface {
	// AppendAudit records who did action at, with details as key/value
	// pairs (filters, references; never the personal data itself).
	AppendAudit(ctx context.Context, who string, at time.Time, action string, kv ...string) error
	// AuditEntries returns up to limit entries, newest first, older than
	// before (a stream id; "" for the newest).
	AuditEntries(ctx context.Context, before string, limit int) ([]msg.AuditEntry, error)
}

// adminName names the bearer of PASSERELLE_ADMIN_TOKEN in the audit stream.
const adminName = "admin"

// staffToken is one bearer token and the staff name it stands for, kept as
// a digest so that comparing tokens leaks neither their content nor their
// length.
type staffToken struct {
	name   string
	digest [sha256.Size]byte
}

// staffTokens lists the tokens that open /admin: the admin token (named
// "admin") and each named staff token.
func (s *Server) staffTokens() []staffToken {
	var out []staffToken
	if s.cfg.AdminToken != "" {
		out = append(out, staffToken{name: adminName, digest: sha256.Sum256([]byte(s.cfg.AdminToken))})
	}
	for name, tok := range s.cfg.StaffTokens {
		if tok != "" {
			out = append(out, staffToken{name: name, digest: sha256.Sum256([]byte(tok))})
		}
	}
	return out
}

// adminAuth lets through requests bearing a staff token, naming the staff
// member for the audit (c.Locals("staff")); others get 401. Every token is
// compared, in constant time over SHA-256 digests.
func (s *Server) adminAuth(tokens []staffToken) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		got := sha256.Sum256([]byte(tok))
		name := ""
		for _, t := range tokens {
			if subtle.ConstantTimeCompare(got[:], t.digest[:]) == 1 && ok {
				name = t.name
			}
		}
		if name == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="passerelle"`)
			return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "unauthorized"})
		}
		c.Locals("staff", name)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	}
}

// staff names the staff member of an admin request.
func staff(c *fiber.Ctx) string {
	if n, ok := c.Locals("staff").(string); ok {
		return n
	}
	return adminName
}

// audit records a staff action or read; a failure is logged, and the
// request goes on (the data was already read or changed).
func (s *Server) audit(c *fiber.Ctx, action string, kv ...string) {
	if s.cfg.Audit == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), 2*time.Second)
	defer cancel()
	if err := s.cfg.Audit.AppendAudit(ctx, staff(c), s.cfg.Now(), action, kv...); err != nil {
		s.log.Error("audit entry not written", "request_id", rid(c), "action", action, "err", err)
	}
}

// listAudit answers GET /admin/audit?before=ID&limit=N (newest first).
func (s *Server) listAudit(c *fiber.Ctx) error {
	n, err := intQuery(c, "limit", 100, 1, 1000)
	if err != nil {
		return jsonError(c, fiber.StatusBadRequest, err.Error())
	}
	es, err := s.cfg.Audit.AuditEntries(c.UserContext(), strings.Clone(c.Query("before")), n)
	if err != nil {
		s.log.Error("reading audit failed", "request_id", rid(c), "err", err)
		return jsonError(c, fiber.StatusServiceUnavailable, "store unavailable")
	}
	if es == nil {
		es = []msg.AuditEntry{}
	}
	return c.JSON(fiber.Map{"items": es})
}
