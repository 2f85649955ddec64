// Package broadcast is outreach campaigns: one text per language sent by SMS
// to an audience chosen among registered people and information-message
// subscribers, at a bounded rate, with replies optionally entering a flow.
//
// A campaign goes draft → scheduled → sending ⇄ paused → done, or is
// cancelled on the way (Next). Before it starts, staff see what it will cost
// (Compute): per language, who receives which text, its length, encoding
// (GSM-7 or UCS-2) and segments, as written and shaped to GSM-7, and the
// totals and price over the audience. Check refuses texts that are empty or
// longer than the segment limit, naming the language and why.
package broadcast
