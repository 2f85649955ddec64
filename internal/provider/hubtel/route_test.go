package hubtel

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRouteCannedRequests runs canned Hubtel requests through the real web
// server: accepted hops hand the service the message they should, refusals
// answer in Hubtel's JSON form with the right status and reach nothing.
func TestRouteCannedRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const phone = "+237670000101"
	in := func(session, text, seq string) *msg.Inbound {
		return &msg.Inbound{Channel: msg.USSD, Provider: Provider, From: phone, To: "*713#", Session: session, Text: text, Seq: seq}
	}
	js := "application/json"
	cases := []providertest.Case{
		{Label: "initiation", Target: target, Body: hubtelReq("Initiation", "s1", phone, 1, "*713#"), ContentType: js,
			WantStatus: 200, WantBody: `"Type":"Response","Message":"Bienvenue / Welcome`, WantContentType: js, WantMessage: in("s1", "", "1")},
		{Label: "answer", Target: target, Body: hubtelReq("Response", "s1", phone, 2, "1"), ContentType: js,
			WantStatus: 200, WantBody: `"SessionId":"s1","Type":"Response"`, WantMessage: in("s1", "1", "2")},
		{Label: "empty answer", Target: target, Body: hubtelReq("Response", "s1", phone, 3, ""), ContentType: js,
			WantStatus: 200, WantBody: `"DataType":"input","FieldType":"text"`, WantMessage: in("s1", "", "3")},
		{Label: "lower-case type and names", Target: target, ContentType: js,
			Body:       `{"type":"initiation","mobile":"237670000101","sessionid":"s2","servicecode":"*713#","message":"*713#","sequence":1}`,
			WantStatus: 200, WantBody: `"Type":"Response"`, WantMessage: in("s2", "", "1")},
		{Label: "national number", Target: target, Body: hubtelReq("Initiation", "s3", "670 00 01 01", 1, "*713#"), ContentType: js,
			WantStatus: 200, WantMessage: in("s3", "", "1")},
		{Label: "Ghanaian number with its +", Target: target, Body: hubtelReq("Initiation", "s6", "+233200585542", 1, "*713#"), ContentType: js,
			WantStatus: 200, WantMessage: &msg.Inbound{Channel: msg.USSD, Provider: Provider, From: "+233200585542", To: "*713#", Session: "s6", Seq: "1"}},
		{Label: "sequence as a string", Target: target, ContentType: js,
			Body:       `{"Type":"Response","Mobile":"+237670000101","SessionId":"s3","ServiceCode":"*713#","Message":"2","Sequence":"02"}`,
			WantStatus: 200, WantMessage: in("s3", "2", "2")},
		{Label: "initiation without sequence", Target: target, Body: hubtelReq("Initiation", "s4", phone, 0, "*713#"), ContentType: js,
			WantStatus: 200, WantMessage: in("s4", "", "")},
		{Label: "initiation without message", Target: target, ContentType: js,
			Body:       `{"Type":"Initiation","Mobile":"+237670000101","SessionId":"s5","ServiceCode":"*713#","Sequence":1}`,
			WantStatus: 200, WantMessage: in("s5", "", "1")},
		{Label: "answer with a star", Target: target, Body: hubtelReq("Response", "s5", phone, 2, "a*b"), ContentType: js,
			WantStatus: 200, WantMessage: in("s5", "a*b", "2")},
		// Sessions ended by Hubtel: answered, no hop.
		{Label: "release", Target: target, Body: hubtelReq("Release", "s1", phone, 4, ""), ContentType: js,
			WantStatus: 200, WantBody: `{"SessionId":"s1","Type":"Release","Message":"","Label":"","DataType":"display","ClientState":""}`},
		{Label: "timeout", Target: target, Body: hubtelReq("Timeout", "s1", phone, 4, ""), ContentType: js,
			WantStatus: 200, WantBody: `"Type":"Release"`},
		{Label: "release with only its session", Target: target, Body: `{"Type":"RELEASE","SessionId":"s1"}`, ContentType: js,
			WantStatus: 200, WantBody: `"Type":"Release"`},
		// Authentication, before anything is read.
		{Label: "missing token", Target: Path, Body: hubtelReq("Initiation", "x", phone, 1, ""), ContentType: js,
			WantStatus: 403, WantBody: `{"Type":"Release","Message":"bad token"`, WantContentType: js},
		{Label: "wrong token", Target: Path + "?token=" + token + "x", Body: hubtelReq("Initiation", "x", phone, 1, ""), ContentType: js,
			WantStatus: 403, WantBody: "bad token"},
		{Label: "token in the body", Target: Path, Body: `{"token":"` + token + `"}`, ContentType: js, WantStatus: 403, WantBody: "bad token"},
		{Label: "bad token and bad body", Target: Path + "?token=no", Body: "{", ContentType: js, WantStatus: 403, WantBody: "bad token"},
		{Label: "release without token", Target: Path, Body: hubtelReq("Release", "s1", phone, 4, ""), ContentType: js, WantStatus: 403, WantBody: "bad token"},
		// Wrong method: the route answers POST only.
		{Label: "GET", Method: "GET", Target: target, Body: "", ContentType: "-", WantStatus: 405},
		// Malformed bodies.
		{Label: "empty body", Target: target, Body: "", ContentType: js, WantStatus: 400, WantBody: "malformed JSON body"},
		{Label: "form body", Target: target, Body: "Type=Initiation&Mobile=670000101", WantStatus: 400, WantBody: "malformed JSON body"},
		{Label: "array", Target: target, Body: "[" + hubtelReq("Initiation", "x", phone, 1, "") + "]", ContentType: js, WantStatus: 400, WantBody: "want one object"},
		{Label: "two objects", Target: target, Body: hubtelReq("Initiation", "x", phone, 1, "") + "{}", ContentType: js, WantStatus: 400, WantBody: "after the object"},
		{Label: "truncated", Target: target, Body: `{"Type":"Initiation"`, ContentType: js, WantStatus: 400, WantBody: "malformed JSON body"},
		{Label: "not UTF-8", Target: target, Body: "{\"Type\":\"Response\",\"Message\":\"\xff\"}", ContentType: js, WantStatus: 400, WantBody: "not UTF-8"},
		// Missing and malformed fields.
		{Label: "missing Type", Target: target, Body: `{"SessionId":"x"}`, ContentType: js, WantStatus: 400, WantBody: "missing field: Type"},
		{Label: "missing SessionId", Target: target, Body: `{"Type":"Release"}`, ContentType: js, WantStatus: 400, WantBody: "missing field: SessionId"},
		{Label: "missing everything", Target: target, Body: `{}`, ContentType: js, WantStatus: 400, WantBody: "missing field: Type, SessionId"},
		{Label: "missing Mobile", Target: target, Body: `{"Type":"Initiation","SessionId":"x","ServiceCode":"*713#","Sequence":1}`, ContentType: js,
			WantStatus: 400, WantBody: "missing field: Mobile"},
		{Label: "null Mobile", Target: target, Body: `{"Type":"Initiation","SessionId":"x","Mobile":null,"ServiceCode":"*713#"}`, ContentType: js,
			WantStatus: 400, WantBody: "missing field: Mobile"},
		{Label: "missing ServiceCode", Target: target, Body: `{"Type":"Initiation","SessionId":"x","Mobile":"670000101"}`, ContentType: js,
			WantStatus: 400, WantBody: "missing field: ServiceCode"},
		{Label: "answer without Message", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Sequence":2}`, ContentType: js,
			WantStatus: 400, WantBody: "missing field: Message"},
		{Label: "answer without Sequence", Target: target, Body: hubtelReq("Response", "x", phone, 0, "1"), ContentType: js,
			WantStatus: 400, WantBody: "missing field: Sequence"},
		{Label: "unknown Type", Target: target, Body: hubtelReq("AddToCart", "x", phone, 1, ""), ContentType: js, WantStatus: 400, WantBody: "unknown Type"},
		{Label: "Type not a string", Target: target, Body: `{"Type":true,"SessionId":"x"}`, ContentType: js, WantStatus: 400, WantBody: "bad Type"},
		{Label: "SessionId with a space", Target: target, Body: hubtelReq("Initiation", "a b", phone, 1, ""), ContentType: js, WantStatus: 400, WantBody: "bad SessionId"},
		{Label: "SessionId too long", Target: target, Body: hubtelReq("Initiation", strings.Repeat("s", 129), phone, 1, ""), ContentType: js, WantStatus: 400, WantBody: "bad SessionId"},
		{Label: "release with bad SessionId", Target: target, Body: `{"Type":"Release","SessionId":""}`, ContentType: js, WantStatus: 400, WantBody: "bad SessionId"},
		{Label: "empty ServiceCode", Target: target, Body: `{"Type":"Initiation","SessionId":"x","Mobile":"670000101","ServiceCode":""}`, ContentType: js,
			WantStatus: 400, WantBody: "bad ServiceCode"},
		{Label: "Mobile not a number", Target: target, Body: hubtelReq("Initiation", "x", "MTN", 1, ""), ContentType: js, WantStatus: 400, WantBody: "Mobile is not a phone number"},
		{Label: "Mobile too short", Target: target, Body: hubtelReq("Initiation", "x", "6700", 1, ""), ContentType: js, WantStatus: 400, WantBody: "Mobile is not a phone number"},
		{Label: "Mobile an object", Target: target, Body: `{"Type":"Initiation","SessionId":"x","Mobile":{"n":"670000101"},"ServiceCode":"*713#"}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Mobile"},
		{Label: "Sequence zero", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Message":"1","Sequence":0}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Sequence"},
		{Label: "Sequence a fraction", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Message":"1","Sequence":1.5}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Sequence"},
		{Label: "Sequence negative", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Message":"1","Sequence":"-2"}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Sequence"},
		{Label: "Sequence too big", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Message":"1","Sequence":1e30}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Sequence"},
		{Label: "Message a boolean", Target: target, Body: `{"Type":"Response","SessionId":"x","Mobile":"670000101","ServiceCode":"*713#","Message":false,"Sequence":2}`, ContentType: js,
			WantStatus: 400, WantBody: "bad Message"},
		{Label: "Message too long", Target: target, Body: hubtelReq("Response", "x", phone, 2, strings.Repeat("a", 1025)), ContentType: js,
			WantStatus: 413, WantBody: "Message too long"},
		// Attacks: a field given twice, as two readers may read either.
		{Label: "Mobile twice", Target: target, ContentType: js,
			Body:       `{"Type":"Initiation","SessionId":"x","Mobile":"670000101","Mobile":"670000102","ServiceCode":"*713#"}`,
			WantStatus: 400, WantBody: "repeated field: Mobile"},
		{Label: "Mobile twice in two cases", Target: target, ContentType: js,
			Body:       `{"Type":"Initiation","SessionId":"x","Mobile":"670000101","MOBILE":"670000102","ServiceCode":"*713#"}`,
			WantStatus: 400, WantBody: "repeated field: MOBILE"},
		{Label: "Type twice", Target: target, ContentType: js,
			Body:       `{"Type":"Release","SessionId":"x","Type":"Response"}`,
			WantStatus: 400, WantBody: "repeated field: Type"},
		{Label: "a number as a repeated name is not quoted", Target: target, ContentType: js,
			Body:       `{"670000101":1,"670000101":2}`,
			WantStatus: 400, WantBody: "repeated field: (a name not quoted)"},
	}
	s.Run(t, cases)
	if logs := s.Logs.String(); strings.Contains(logs, token) || strings.Contains(logs, "670000101") || strings.Contains(logs, "670000102") {
		t.Fatal("logs carry the token or a phone number")
	}
}

// TestRouteEndedSessionStoresNothing: a Release or Timeout is answered
// without a hop and writes nothing.
func TestRouteEndedSessionStoresNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, typ := range []string{"Release", "Timeout", "release"} {
		t.Run(typ, func(t *testing.T) {
			s.Check(t, providertest.Case{Target: target, Body: hubtelReq(typ, "s9", "+237670000109", 3, ""), ContentType: "application/json",
				WantStatus: 200, WantBody: `"Type":"Release"`})
			if n, _ := s.Hops(); n != 0 {
				t.Fatalf("%d hops reached the service", n)
			}
			if keys := s.Keys(t); len(keys) != 0 {
				t.Fatalf("an ended session wrote %v", keys)
			}
		})
	}
}
