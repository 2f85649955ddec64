package kannel

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

func TestParseDLR(t *testing.T) {
	t.Parallel()
	const q = "token=t&mid=0a1b2c3d&type="
	cases := []struct {
		label     string
		query     string
		wantState msg.DeliveryState
		wantCode  string
		wantErr   string
	}{
		{label: "delivered", query: q + "1", wantState: msg.Delivered},
		{label: "undelivered", query: q + "2", wantState: msg.Undelivered, wantCode: "2"},
		{label: "queued on the smsc", query: q + "4", wantState: msg.Sent},
		{label: "accepted by the smsc", query: q + "8", wantState: msg.Sent},
		{label: "refused by the smsc", query: q + "16", wantState: msg.Failed, wantCode: "16"},
		{label: "not filled in", query: q + "%25d", wantErr: "unknown type"},
		{label: "unknown type", query: q + "32", wantErr: "unknown type"},
		{label: "missing type", query: "mid=0a1b2c3d", wantErr: "missing field: type"},
		{label: "missing mid", query: "type=1", wantErr: "missing field: mid"},
		{label: "bad mid", query: "mid=a+b&type=1", wantErr: "bad mid"},
		{label: "repeated type", query: q + "1&type=2", wantErr: "repeated field: type"},
		{label: "repeated mid", query: q + "1&mid=other", wantErr: "repeated field: mid"},
		{label: "malformed", query: "mid=%zz", wantErr: "malformed"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			r, err := ParseDLR(c.query, now)
			if c.wantErr != "" {
				if e, ok := channel.AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantErr) {
					t.Fatalf("err = %v, want 400 %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := msg.Status{ID: "0a1b2c3d", Provider: Provider, State: c.wantState, Code: c.wantCode, At: now}
			if r.Status != want || r.To != "" || r.OptedOut {
				t.Fatalf("got %+v\nwant %+v", r, want)
			}
		})
	}
}
