package sender

import (
	"context"
	"log/slog"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/smstext"
)

// Log is the Sender used when no SMS provider is configured: it sends
// nothing and logs each message's id, masked number, length and cost. It
// never logs the raw number or the text.
type Log struct {
	logger *slog.Logger
}

var _ Sender = (*Log)(nil)

// NewLog returns a Log sender writing to logger, or to slog.Default() when
// logger is nil.
func NewLog(logger *slog.Logger) *Log {
	if logger == nil {
		logger = slog.Default()
	}
	return &Log{logger: logger}
}

// Send logs m and returns the ProviderID "log-<m.ID>". It never fails.
func (l *Log) Send(ctx context.Context, m msg.Outbound) (Result, error) {
	info := smstext.Count(m.Text)
	l.logger.InfoContext(ctx, "sms not sent: no provider configured",
		slog.String("message_id", m.ID),
		slog.String("to_masked", m.To.Masked()),
		slog.Int("chars", info.Chars),
		slog.String("encoding", string(info.Encoding)),
		slog.Int("units", info.Units),
		slog.Int("segments", info.Segments),
	)
	return Result{ProviderID: "log-" + m.ID}, nil
}
