package msg

import "time"

// DeliveryState is where an outbound message stands at its provider.
type DeliveryState string

// Delivery states, as providers report them (normalised).
const (
	Queued      DeliveryState = "queued"
	Sent        DeliveryState = "sent"
	Delivered   DeliveryState = "delivered"
	Undelivered DeliveryState = "undelivered"
	Failed      DeliveryState = "failed"
)

// Status is one delivery report of an outbound message.
type Status struct {
	// ID is our message id (msg.Outbound.ID), carried by the callback.
	ID       string
	Provider string
	// ProviderID is the provider's id of the message (Twilio SID, AT id).
	ProviderID string
	State      DeliveryState
	// Code is the provider's error code, if any ("21610", …).
	Code string
	At   time.Time
}
