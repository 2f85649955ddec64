// Package smstext knows how an SMS text travels: whether it fits the GSM 03.38
// 7-bit alphabet, how many units and segments it costs, and how French
// typography can be shaped to stay in GSM-7 (160 characters a segment instead
// of 70 in UCS-2). It depends on nothing but the standard library.
package smstext
