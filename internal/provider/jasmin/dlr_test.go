package jasmin

import (
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// receipt is a delivery receipt as Jasmin posts it: level 1 (the SMSC's
// answer to the submission) or 2 (the handset's).
func receipt(level, status, errCode string) url.Values {
	f := url.Values{"id": {"a2a5e1b0-3c4d-4e5f-8a9b-0c1d2e3f4a5b"}, "message_status": {status}, "level": {level}, "connector": {"mtn_cm"}}
	if level != "1" {
		f.Set("id_smsc", "2567")
		f.Set("sub", "001")
		f.Set("dlvrd", "001")
		f.Set("subdate", "2611020900")
		f.Set("donedate", "2611020901")
		f.Set("err", errCode)
		f.Set("text", "Bienvenue / Welcome")
	}
	return f
}

func TestParseDLR(t *testing.T) {
	t.Parallel()
	const jid = "a2a5e1b0-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	mid := url.Values{"token": {"t"}, "mid": {"0a1b2c3d"}}
	cases := []struct {
		label     string
		body      string
		query     url.Values
		wantID    string
		wantState msg.DeliveryState
		wantCode  string
		wantErr   string
	}{
		{label: "level 1 accepted", body: receipt("1", "ESME_ROK", "").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Sent},
		{label: "level 1 refused", body: receipt("1", "ESME_RINVDSTADR", "").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Failed, wantCode: "ESME_RINVDSTADR"},
		{label: "delivered", body: receipt("2", "DELIVRD", "000").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Delivered},
		{label: "accepted", body: receipt("2", "ACCEPTD", "000").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Sent},
		{label: "enroute", body: receipt("2", "ENROUTE", "000").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Sent},
		{label: "unknown state", body: receipt("2", "UNKNOWN", "000").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Sent},
		{label: "expired", body: receipt("2", "EXPIRED", "000").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Undelivered, wantCode: "EXPIRED"},
		{label: "undelivered with a network error", body: receipt("2", "UNDELIV", "069").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Undelivered, wantCode: "069"},
		{label: "rejected", body: receipt("2", "REJECTD", "").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Failed, wantCode: "REJECTD"},
		{label: "deleted", body: receipt("2", "DELETED", "0").Encode(), query: mid, wantID: "0a1b2c3d", wantState: msg.Failed, wantCode: "DELETED"},
		{label: "no mid: filed under jasmin's id", body: receipt("2", "DELIVRD", "000").Encode(), query: url.Values{}, wantID: jid, wantState: msg.Delivered},
		{label: "unknown status", body: receipt("2", "EXPLODED", "000").Encode(), query: mid, wantErr: "unknown message_status"},
		{label: "lower-case status", body: receipt("2", "delivrd", "000").Encode(), query: mid, wantErr: "unknown message_status"},
		{label: "missing id", body: "message_status=DELIVRD", query: mid, wantErr: "missing field: id"},
		{label: "missing status", body: "id=" + jid, query: mid, wantErr: "missing field: message_status"},
		{label: "repeated status", body: receipt("2", "DELIVRD", "000").Encode() + "&message_status=UNDELIV", query: mid, wantErr: "repeated field: message_status"},
		{label: "repeated mid", body: receipt("2", "DELIVRD", "000").Encode(), query: url.Values{"mid": {"a", "b"}}, wantErr: "repeated field: mid"},
		{label: "bad mid", body: receipt("2", "DELIVRD", "000").Encode(), query: url.Values{"mid": {"a b"}}, wantErr: "bad mid"},
		{label: "bad id", body: "id=a+b&message_status=DELIVRD", query: mid, wantErr: "bad id"},
		{label: "bad err", body: receipt("2", "UNDELIV", "0 9").Encode(), query: mid, wantErr: "bad err"},
		{label: "malformed", body: "id=%zz", query: mid, wantErr: "malformed"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			r, err := ParseDLR([]byte(c.body), c.query, now)
			if c.wantErr != "" {
				if e, ok := channel.AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantErr) {
					t.Fatalf("err = %v, want 400 %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := msg.Status{ID: c.wantID, Provider: Provider, ProviderID: jid, State: c.wantState, Code: c.wantCode, At: now}
			if r.Status != want || r.To != "" || r.OptedOut {
				t.Fatalf("got %+v\nwant %+v", r, want)
			}
		})
	}
}
