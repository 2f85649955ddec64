package flow

// Actions a node may run on entry ("do:"). The engine itself handles
// set_language, clear_answers and the reference codes of save_registration
// and request_callback; every action is also handed to the host (Env.Do)
// while the node is entered, which turns it into the hop's typed effects.
const (
	// ActSetLanguage sets the conversation language from its argument or, with
	// none, from the "lang" answer.
	ActSetLanguage = "set_language"
	// ActSaveRegistration stores the answers as a registration under a new
	// reference code, available to texts as {{.ref}}.
	ActSaveRegistration = "save_registration"
	// ActClearAnswers forgets the answers given so far.
	ActClearAnswers = "clear_answers"
	// ActSendSMS sends the page named by its argument (a message ID) by SMS,
	// counted against the person's daily quota of pages.
	ActSendSMS = "send_sms"
	// ActSendConfirmation sends a confirmation (registration, call-back) by
	// SMS: not counted against the pages, limited apart.
	ActSendConfirmation = "send_confirmation"
	// ActSendEssential sends an emergency or protection page by SMS: never
	// refused by the daily quota of pages.
	ActSendEssential = "send_essential"
	// ActRequestCallback records a call-back request under a new reference code.
	ActRequestCallback = "request_callback"
	// ActDeleteData erases everything stored about the person.
	ActDeleteData = "delete_data"
	// ActOptOut and ActOptIn stop and restart campaign messages.
	ActOptOut = "opt_out"
	ActOptIn  = "opt_in"
	// ActSubscribe adds the person to the subscribers of information
	// messages (campaigns) without registering.
	ActSubscribe = "subscribe"
	// ActSaveCampaignReply keeps the answers given in a campaign's reply
	// flow for the campaign's staff.
	ActSaveCampaignReply = "save_campaign_reply"
	// ActLoadRegistration fills the answers from the person's stored
	// registration (reg_found is "yes" when there is one), for "my
	// information" pages.
	ActLoadRegistration = "load_registration"
)

// KnownActions lists every action a flow may name.
var KnownActions = map[string]bool{
	ActSetLanguage: true, ActSaveRegistration: true, ActClearAnswers: true,
	ActSendSMS: true, ActSendConfirmation: true, ActSendEssential: true, ActRequestCallback: true, ActDeleteData: true,
	ActOptOut: true, ActOptIn: true, ActLoadRegistration: true, ActSubscribe: true, ActSaveCampaignReply: true,
}

// SendsSMS tells whether an action sends its argument's text by SMS.
func SendsSMS(action string) bool {
	return action == ActSendSMS || action == ActSendConfirmation || action == ActSendEssential
}
