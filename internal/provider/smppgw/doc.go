// Package smppgw holds what the HTTP APIs of SMPP gateways (Jasmin,
// Kannel) share on Passerelle's side: their forms read strictly (a field
// given twice is refused, not guessed at), UTF-16BE text, the
// delivery-report URL that carries our message id, and transport failures
// reported without the URL (which may carry credentials).
package smppgw
