package fakesms_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

func TestTwilioRefusesBadRequests(t *testing.T) {
	t.Parallel()
	f := fakesms.NewTwilio(t)
	auth := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(testSID+":"+testToken))}
	messages := f.URL() + "/2010-04-01/Accounts/" + testSID + "/Messages.json"
	cases := []struct {
		name, url, form string
		header          map[string]string
		status          int
		body            string
	}{
		{"no credentials", messages, "To=%2B237670000001&From=%2B15005550006&Body=hi", nil, 401, `"code":20003`},
		{"no To", messages, "From=%2B15005550006&Body=hi", auth, 400, `"code":21604`},
		{"no Body", messages, "To=%2B237670000001&From=%2B15005550006", auth, 400, `"code":21602`},
		{"no From", messages, "To=%2B237670000001&Body=hi", auth, 400, `"code":21603`},
		{"unknown path", f.URL() + "/2010-04-01/Accounts/" + testSID + "/Calls.json", "", auth, 404, `"code":20404`},
		{"messaging service", messages, "To=%2B237670000001&MessagingServiceSid=MG1&Body=hi", auth, 201, `"messaging_service_sid":"MG1"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawPost(t, c.url, c.form, c.header)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Fatalf("answer %d %s, want %d with %s", status, body, c.status, c.body)
			}
		})
	}
	if got := f.Received(); len(got) != 1 || got[0].MessagingServiceSID != "MG1" || got[0].From != "" || f.Attempts() != 5 {
		t.Fatalf("received %+v, attempts %d", got, f.Attempts())
	}
}

func TestAfricasTalkingRefusesBadRequests(t *testing.T) {
	t.Parallel()
	f := fakesms.NewAfricasTalking(t)
	key := map[string]string{"apiKey": "at-test-key-0123456789", "Accept": "application/json"}
	cases := []struct {
		name, form string
		header     map[string]string
		status     int
		body       string
	}{
		{"no key", "username=sandbox&to=%2B237670000001&message=hi", nil, 401, "authentication is invalid"},
		{"no to", "username=sandbox&message=hi", key, 400, "missing"},
		{"no username", "to=%2B237670000001&message=hi", key, 400, "missing"},
		{"accepted", "username=sandbox&to=%2B237670000001&message=hi", key, 201, `"statusCode":101`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawPost(t, f.URL()+"/version1/messaging", c.form, c.header)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Fatalf("answer %d %s, want %d with %s", status, body, c.status, c.body)
			}
		})
	}
	if f.Count() != 1 || f.Attempts() != 4 {
		t.Fatalf("count %d, attempts %d", f.Count(), f.Attempts())
	}
	status, _ := rawPost(t, f.URL()+"/version2/messaging", "", key)
	if status != http.StatusNotFound {
		t.Fatalf("unknown path answered %d", status)
	}
}
