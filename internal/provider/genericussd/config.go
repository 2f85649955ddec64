// Package genericussd is a USSD route for aggregators that follow no
// published format, configured by settings: the HTTP method, where the
// fields are (query, form or JSON), their names, how the input is written
// (the latest answer, every answer joined by '*', or the whole USSD
// string such as *415*33*1#) and how the answer is written (CON/END text,
// or JSON with configurable field names and end-flag values). See
// README.md beside this file for worked configurations.
package genericussd

import (
	"encoding/json"
)

// Provider is the name of this provider in messages and dedupe keys.
const Provider = "genericussd"

// Path is where the route is mounted.
const Path = "/ussd/generic"

// Encoding is where a POST carries its fields (a GET carries them in its
// query).
type Encoding string

// Encodings.
const (
	Query Encoding = "query" // the URL query
	Form  Encoding = "form"  // an application/x-www-form-urlencoded body
	JSON  Encoding = "json"  // a JSON object body (strings or numbers)
)

// InputMode is how the input field writes what the person typed.
type InputMode string

// Input modes.
const (
	// Latest is the latest answer only (empty on the dial); the sequence
	// field then tells a retry from the same answer given twice.
	Latest InputMode = "latest"
	// Cumulative is every answer of the session joined by '*' (Africa's
	// Talking's text).
	Cumulative InputMode = "cumulative"
	// USSDString is the whole string with the service code: *415# on the
	// dial, then *415*33*1#.
	USSDString InputMode = "ussd-string"
)

// AnswerFormat is how the route writes a screen.
type AnswerFormat string

// Answer formats.
const (
	// Text is "CON " or "END " then the screen, as text/plain.
	Text AnswerFormat = "text"
	// JSONAnswer is a JSON object with the screen and the end flag.
	JSONAnswer AnswerFormat = "json"
)

// Config is the generic route's configuration, checked.
type Config struct {
	// Token guards the route (?token=); empty: the route is off.
	Token string
	// Methods are GET and/or POST.
	Methods []string
	// Encoding is where a POST carries its fields.
	Encoding Encoding
	// Field names: session, caller's number, service code, input, and the
	// optional hop number or per-hop id (required with Latest).
	SessionField, PhoneField, ServiceCodeField, InputField, SequenceField string
	// Input is how the input field is written.
	Input InputMode
	// Answer is how screens are written; with JSONAnswer, TextField and
	// EndField name the screen and the end flag, EndValue and
	// ContinueValue are the flag's JSON values.
	Answer                  AnswerFormat
	TextField, EndField     string
	EndValue, ContinueValue json.RawMessage
}

// accepts tells whether the route answers method.
func (c Config) accepts(method string) bool {
	for _, m := range c.Methods {
		if m == method {
			return true
		}
	}
	return false
}
