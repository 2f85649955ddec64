package ussdwire

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
)

func TestParseObject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, body string
		fold        bool
		wantErr     string // "" accepted
	}{
		{label: "object", body: `{"a":"1","B":2,"c":null,"d":{"e":[1,{"a":2}]}}`},
		{label: "spaces around", body: " \n{\"a\":\"1\"}\n "},
		{label: "empty object", body: `{}`},
		{label: "same name in another case, exact", body: `{"a":1,"A":2}`},
		{label: "same name in another case, folded", body: `{"a":1,"A":2}`, fold: true, wantErr: "repeated field: A"},
		{label: "repeated", body: `{"a":1,"a":1}`, wantErr: "repeated field: a"},
		{label: "repeated name not quoted", body: `{"+237670000001":1,"+237670000001":1}`, wantErr: "repeated field: (a name not quoted)"},
		{label: "only ASCII folds", body: `{"k":1,"\u212a":2}`, fold: true},
		{label: "empty", body: ``, wantErr: "want one object"},
		{label: "array", body: `[{"a":1}]`, wantErr: "want one object"},
		{label: "string", body: `"a"`, wantErr: "want one object"},
		{label: "truncated", body: `{"a":1`, wantErr: "malformed JSON body"},
		{label: "missing value", body: `{"a":}`, wantErr: "malformed JSON body"},
		{label: "number as name", body: `{1:2}`, wantErr: "malformed JSON body"},
		{label: "two objects", body: `{}{}`, wantErr: "data after the object"},
		{label: "trailing garbage", body: `{} x`, wantErr: "malformed JSON body"},
		{label: "not UTF-8", body: "{\"a\":\"\xff\"}", wantErr: "not UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			_, err := ParseObject([]byte(c.body), c.fold)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := channel.AsError(err)
			if !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantErr) {
				t.Fatalf("err = %v, want 400 %q", err, c.wantErr)
			}
		})
	}
}

func TestObjectField(t *testing.T) {
	t.Parallel()
	o, err := ParseObject([]byte(`{"s":"a\"b","n":237670000001,"neg":-1.5e3,"z":null,"t":true,"o":{},"a":[],"Mixed":"m"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, want string
		ok         bool
		wantErr    bool
	}{
		{name: "s", want: `a"b`, ok: true},
		{name: "n", want: "237670000001", ok: true},
		{name: "neg", want: "-1.5e3", ok: true},
		{name: "MIXED", want: "m", ok: true},
		{name: "z"},
		{name: "absent"},
		{name: "t", wantErr: true},
		{name: "o", wantErr: true},
		{name: "a", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := o.Field(c.name)
			if got != c.want || ok != c.ok || (err != nil) != c.wantErr {
				t.Fatalf("Field(%s) = %q, %v, %v; want %q, %v, error %v", c.name, got, ok, err, c.want, c.ok, c.wantErr)
			}
			if e, isChan := channel.AsError(err); err != nil && (!isChan || !strings.Contains(e.Reason, "bad "+c.name)) {
				t.Fatalf("error %v does not name the field", err)
			}
		})
	}
}

func TestFieldChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label      string
		err        error
		wantStatus int // 0: accepted
		wantReason string
	}{
		{"session", Session("sid", "ATUid_1"), 0, ""},
		{"session empty", Session("sid", ""), 400, "bad sid"},
		{"session with a space", Session("sid", "a b"), 400, "bad sid"},
		{"session too long", Session("sid", strings.Repeat("s", MaxSessionID+1)), 400, "bad sid"},
		{"service code", ServiceCode("code", "*415*1#"), 0, ""},
		{"service code empty", ServiceCode("code", ""), 400, "bad code"},
		{"seq", Seq("seq", "12"), 0, ""},
		{"seq too long", Seq("seq", strings.Repeat("1", MaxSeq+1)), 400, "bad seq"},
		{"input", Input("text", "Awa Moussa*é"), 0, ""},
		{"input at the limit", Input("text", strings.Repeat("a", MaxInput)), 0, ""},
		{"input too long", Input("text", strings.Repeat("a", MaxInput+1)), 413, "text too long"},
		{"input not UTF-8", Input("text", "\xff"), 400, "text is not UTF-8"},
		{"none missing", Missing([]string{"a", "b"}, []bool{true, true}), 0, ""},
		{"missing", Missing([]string{"a", "b", "c"}, []bool{false, true, false}), 400, "missing field: a, c"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			if c.wantStatus == 0 {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			e, ok := channel.AsError(c.err)
			if !ok || e.Status != c.wantStatus || !strings.Contains(e.Reason, c.wantReason) {
				t.Fatalf("err = %v, want %d %q", c.err, c.wantStatus, c.wantReason)
			}
		})
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"+237670000001", "237670000001", "00237670000001", "670000001", "6 70 00 00 01"} {
		if a, err := Phone("msisdn", s); err != nil || a != "+237670000001" {
			t.Errorf("Phone(%q) = %q, %v", s, a, err)
		}
	}
	for _, s := range []string{"", "MTN", "6700", "+999670000001"} {
		_, err := Phone("msisdn", s)
		if e, ok := channel.AsError(err); !ok || e.Status != 400 || e.Reason != "msisdn is not a phone number" {
			t.Errorf("Phone(%q): %v", s, err)
		}
	}
}
