// Package ussdwire holds what the USSD routes beside Africa's Talking share
// in reading their requests: a flat JSON object read strictly (a name given
// twice is refused, never silently taken last) and the checks of a hop's
// fields (session id, phone number, service code, input). Every refusal is
// a *channel.Error whose reason names the field, never its value.
package ussdwire
