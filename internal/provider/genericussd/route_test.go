package genericussd

import (
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// tok is the query carrying the token.
const tok = "?token=" + token

// ussd is an inbound hop of this provider.
func ussd(from msg.Address, to, session, text, seq string, cumulative bool) *msg.Inbound {
	return &msg.Inbound{Channel: msg.USSD, Provider: Provider, From: from, To: to, Session: session, Text: text, Seq: seq, Cumulative: cumulative}
}

// TestRouteGETQuery: the GET-with-query configuration (latest answer and
// a hop number, CON/END text).
func TestRouteGETQuery(t *testing.T) {
	t.Parallel()
	s := newServer(t, getQuery)
	const phone = "+237670000401"
	q := func(kv ...string) string {
		v := url.Values{"sessionid": {"g1"}, "msisdn": {"237670000401"}, "shortcode": {"*415#"}, "input": {""}, "seq": {"1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "-" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return Path + tok + "&" + v.Encode()
	}
	get := func(label, target string, status int, body string, in *msg.Inbound) providertest.Case {
		return providertest.Case{Label: label, Method: "GET", Target: target, ContentType: "-", WantStatus: status, WantBody: body, WantMessage: in}
	}
	long := strings.Repeat("a", 1025)
	s.Run(t, []providertest.Case{
		get("dial", q(), 200, "CON Bienvenue / Welcome\n1. Français\n2. English", ussd(phone, "*415#", "g1", "", "1", false)),
		get("answer", q("input", "1", "seq", "2"), 200, "CON ", ussd(phone, "*415#", "g1", "1", "2", false)),
		get("national number", q("msisdn", "670 00 04 01", "input", "1", "seq", "3"), 200, "CON ", ussd(phone, "*415#", "g1", "1", "3", false)),
		get("answer with a star and a hash", q("input", "a*b#", "seq", "4"), 200, "CON ", ussd(phone, "*415#", "g1", "a*b#", "4", false)),
		{Label: "text content type", Method: "GET", Target: q("seq", "5"), ContentType: "-", WantStatus: 200, WantContentType: "text/plain"},
		get("missing token", strings.Replace(q(), tok+"&", "?", 1), 403, "END bad token", nil),
		get("wrong token", strings.Replace(q(), token, token[:20], 1), 403, "END bad token", nil),
		get("token as another field", strings.Replace(q(), "token=", "tok=", 1), 403, "bad token", nil),
		{Label: "POST", Target: q(), WantStatus: 405},
		get("missing sessionid", q("sessionid", "-"), 400, "END missing field: sessionid", nil),
		get("missing msisdn", q("msisdn", "-"), 400, "missing field: msisdn", nil),
		get("missing shortcode", q("shortcode", "-"), 400, "missing field: shortcode", nil),
		get("missing input", q("input", "-"), 400, "missing field: input", nil),
		get("missing seq", q("seq", "-"), 400, "missing field: seq", nil),
		get("missing all", Path+tok, 400, "missing field: sessionid, msisdn, shortcode, input, seq", nil),
		get("bad number", q("msisdn", "12"), 400, "msisdn is not a phone number", nil),
		get("letters as number", q("msisdn", "MTN-CM"), 400, "msisdn is not a phone number", nil),
		get("session with a space", q("sessionid", "g 1"), 400, "bad sessionid", nil),
		get("session too long", q("sessionid", strings.Repeat("s", 129)), 400, "bad sessionid", nil),
		get("empty shortcode", q("shortcode", ""), 400, "bad shortcode", nil),
		get("seq with a newline", q("seq", "2\n"), 400, "bad seq", nil),
		get("input too long", q("input", long), 413, "END input too long", nil),
		get("input twice", q()+"&input=1", 400, "repeated field: input", nil),
		get("malformed query", q()+"&%zz", 400, "malformed query", nil),
		get("msisdn twice", q()+"&msisdn=237670000402", 400, "repeated field: msisdn", nil),
		get("session twice", q()+"&sessionid=g2", 400, "repeated field: sessionid", nil),
	})
	s.Check(t, providertest.Case{Method: "GET", Target: strings.Replace(q(), "input=&", "input=%FF&", 1), ContentType: "-", WantStatus: 400, WantBody: "input is not UTF-8"})
	if logs := s.Logs.String(); strings.Contains(logs, token) || strings.Contains(logs, "670000401") || strings.Contains(logs, "670000402") {
		t.Fatal("logs carry the token or a phone number")
	}
}

// TestRoutePOSTJSON: the JSON configuration (whole USSD string, JSON answer
// whose flag says whether the session goes on).
func TestRoutePOSTJSON(t *testing.T) {
	t.Parallel()
	s := newServer(t, postJSON)
	const phone = "+237670000501"
	js := "application/json"
	body := func(code, input string) string {
		return `{"session":"j1","msisdn":"237670000501","code":"` + code + `","ussd":"` + input + `","network":"62401"}`
	}
	post := func(label, body string, status int, want string, in *msg.Inbound) providertest.Case {
		return providertest.Case{Label: label, Target: Path + tok, Body: body, ContentType: js, WantStatus: status, WantBody: want, WantMessage: in}
	}
	s.Run(t, []providertest.Case{
		{Label: "dial", Target: Path + tok, Body: body("*415#", "*415#"), ContentType: js, WantStatus: 200,
			WantBody: `{"message":"Bienvenue / Welcome`, WantContentType: js, WantMessage: ussd(phone, "*415#", "j1", "", "", true)},
		post("first answer", body("*415#", "*415*1#"), 200, `"continueSession":true}`, ussd(phone, "*415#", "j1", "1", "", true)),
		post("second answer", body("*415#", "*415*1*1#"), 200, `"continueSession":true}`, ussd(phone, "*415#", "j1", "1*1", "", true)),
		post("bare service code", body("415", "*415*1*1*Awa#"), 200, `"continueSession":true}`, ussd(phone, "415", "j1", "1*1*Awa", "", true)),
		post("numbers as JSON numbers", `{"session":12345,"msisdn":237670000501,"code":"*415#","ussd":"*415#"}`, 200, `"message":`,
			ussd(phone, "*415#", "12345", "", "", true)),
		{Label: "missing token", Target: Path, Body: body("*415#", "*415#"), ContentType: js, WantStatus: 403,
			WantBody: `{"message":"bad token","continueSession":false}`, WantContentType: js},
		{Label: "GET", Method: "GET", Target: Path + tok + "&session=j1", ContentType: "-", WantStatus: 405},
		post("another code", body("*415#", "*416*1#"), 400, `{"message":"ussd does not start with code","continueSession":false}`, nil),
		post("code prefix only", body("*41#", "*415*1#"), 400, "ussd does not start with code", nil),
		post("empty input", body("*415#", ""), 400, "ussd does not start with code", nil),
		post("missing session", `{"msisdn":"237670000501","code":"*415#","ussd":"*415#"}`, 400, "missing field: session", nil),
		post("missing msisdn", `{"session":"j1","code":"*415#","ussd":"*415#"}`, 400, "missing field: msisdn", nil),
		post("missing code", `{"session":"j1","msisdn":"237670000501","ussd":"*415#"}`, 400, "missing field: code", nil),
		post("missing ussd", `{"session":"j1","msisdn":"237670000501","code":"*415#"}`, 400, "missing field: ussd", nil),
		post("null ussd", `{"session":"j1","msisdn":"237670000501","code":"*415#","ussd":null}`, 400, "missing field: ussd", nil),
		post("names are exact", `{"Session":"j1","msisdn":"237670000501","code":"*415#","ussd":"*415#"}`, 400, "missing field: session", nil),
		post("msisdn a boolean", `{"session":"j1","msisdn":true,"code":"*415#","ussd":"*415#"}`, 400, "bad msisdn", nil),
		post("msisdn an array", `{"session":"j1","msisdn":["237670000501"],"code":"*415#","ussd":"*415#"}`, 400, "bad msisdn", nil),
		post("bad number", strings.Replace(body("*415#", "*415#"), "237670000501", "99", 1), 400, "msisdn is not a phone number", nil),
		post("empty body", "", 400, "malformed JSON body", nil),
		post("a form", "session=j1&msisdn=237670000501", 400, "malformed JSON body", nil),
		post("an array", "["+body("*415#", "*415#")+"]", 400, "want one object", nil),
		post("trailing data", body("*415#", "*415#")+"x", 400, "malformed JSON body", nil),
		post("not UTF-8", "{\"session\":\"j1\",\"ussd\":\"*415*\xff#\"}", 400, "not UTF-8", nil),
		post("input too long", body("*415#", "*415*"+strings.Repeat("1", 1024)+"#"), 413, `{"message":"ussd too long","continueSession":false}`, nil),
		post("msisdn twice", `{"session":"j1","msisdn":"237670000501","msisdn":"237670000502","code":"*415#","ussd":"*415#"}`, 400, "repeated field: msisdn", nil),
		post("ussd twice", `{"session":"j1","msisdn":"237670000501","code":"*415#","ussd":"*415#","ussd":"*415*4*4#"}`, 400, "repeated field: ussd", nil),
	})
}

// TestRouteDefaults: with the token only, the route reads an Africa's
// Talking-like form POST (cumulative text) and answers CON/END.
func TestRouteDefaults(t *testing.T) {
	t.Parallel()
	s := newServer(t, defaults)
	const phone = "+237670000601"
	form := func(text string) string {
		return url.Values{"sessionId": {"d1"}, "phoneNumber": {phone}, "serviceCode": {"*415#"}, "text": {text}}.Encode()
	}
	s.Run(t, []providertest.Case{
		{Label: "dial", Target: Path + tok, Body: form(""), WantStatus: 200, WantBody: "CON Bienvenue / Welcome", WantMessage: ussd(phone, "*415#", "d1", "", "", true)},
		{Label: "answers", Target: Path + tok, Body: form("1*1"), WantStatus: 200, WantBody: "CON ", WantMessage: ussd(phone, "*415#", "d1", "1*1", "", true)},
		{Label: "fields in the query are not read", Target: Path + tok + "&" + form("1"), Body: "", WantStatus: 400, WantBody: "END missing field: sessionId, phoneNumber, serviceCode, text"},
		{Label: "malformed form", Target: Path + tok, Body: "sessionId=%zz", WantStatus: 400, WantBody: "END malformed form body"},
		{Label: "text twice", Target: Path + tok, Body: form("1") + "&text=4*4", WantStatus: 400, WantBody: "repeated field: text"},
		{Label: "GET", Method: "GET", Target: Path + tok + "&" + form(""), ContentType: "-", WantStatus: 405},
	})
}

// TestRouteGETAndPOST: with both methods, a GET carries its fields in the
// query and a POST in its body, as the encoding says.
func TestRouteGETAndPOST(t *testing.T) {
	t.Parallel()
	s := newServer(t, map[string]string{MethodEnv: "post, get"})
	const phone = "+237670000701"
	form := url.Values{"sessionId": {"b1"}, "phoneNumber": {phone}, "serviceCode": {"*415#"}, "text": {""}}.Encode()
	s.Run(t, []providertest.Case{
		{Label: "GET", Method: "GET", Target: Path + tok + "&" + form, ContentType: "-", WantStatus: 200, WantBody: "CON ", WantMessage: ussd(phone, "*415#", "b1", "", "", true)},
		{Label: "POST", Target: Path + tok, Body: form, WantStatus: 200, WantBody: "CON ", WantMessage: ussd(phone, "*415#", "b1", "", "", true)},
		{Label: "PUT", Method: "PUT", Target: Path + tok, Body: form, WantStatus: 405},
	})
}
