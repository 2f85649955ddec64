package redisstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// fxArg is the JSON form of a hop's effects handed to commitScript. Numbers
// travel as strings: Lua's numbers are doubles.
type fxArg struct {
	Reg    *regArg           `json:"reg,omitempty"`
	CBs    []cbArg           `json:"cbs,omitempty"`
	Opt    string            `json:"opt,omitempty"`
	Quota  map[string]string `json:"q,omitempty"`
	QTTL   string            `json:"qttl,omitempty"`
	Msgs   []obArg           `json:"msgs,omitempty"`
	MsgTTL string            `json:"mttl"`
	Erase  bool              `json:"erase,omitempty"`
	Now    string            `json:"now"`
	RegMax string            `json:"regmax"`
	CBTTL  string            `json:"cbttl"`
	// Subscription (in, out), its value, the campaign whose reply window
	// closes, and a campaign's answers.
	Sub     string `json:"sub,omitempty"`
	SubVal  string `json:"subval,omitempty"`
	Camp    string `json:"camp,omitempty"`
	CampAns string `json:"campans,omitempty"`
	CampID  string `json:"campid,omitempty"`
	// Who and At, for a staff erasure applied apart from its person
	// (split.go): the audit entry's author and time.
	Who string `json:"who,omitempty"`
	At  string `json:"at,omitempty"`
}

// shared tells whether a carries an effect on keys tagged {g}: anything but
// the quota.
func (a *fxArg) shared() bool {
	return a.Reg != nil || len(a.CBs) > 0 || a.Opt != "" || len(a.Msgs) > 0 || a.Erase || a.Sub != "" ||
		a.Camp != "" || a.CampID != ""
}

type regArg struct {
	Ref       string   `json:"ref"`
	Person    string   `json:"person"`
	Ms        string   `json:"ms"`
	Lang      string   `json:"lang"`
	Region    string   `json:"region"`
	Situation string   `json:"situation"`
	Sector    string   `json:"sector"`
	Operator  string   `json:"operator,omitempty"`
	Created   string   `json:"created"`
	Fields    []string `json:"fields"`
}

type cbArg struct {
	Ref    string   `json:"ref"`
	Ms     string   `json:"ms"`
	Fields []string `json:"fields"`
}

// obArg is one message to queue: its stream entry carries it whole.
type obArg struct {
	ID   string `json:"id"`
	Lane string `json:"lane"`
	To   string `json:"to"`
	Text string `json:"text"`
	P    string `json:"p"`
	Kind string `json:"kind"`
	Camp string `json:"camp"`
	RU   string `json:"ru"`
}

// effectsArg encodes c's registration and effects for commitScript.
func (s *Store) effectsArg(p msg.PersonID, c msg.Change, now time.Time) (string, error) {
	a, err := s.effectsOf(p, c, now)
	if err != nil {
		return "", err
	}
	return jsonString(a)
}

// effectsOf describes c's registration and effects for the scripts.
func (s *Store) effectsOf(p msg.PersonID, c msg.Change, now time.Time) (*fxArg, error) {
	fx := c.Effects
	a := &fxArg{
		Opt: string(fx.OptOut), Erase: fx.Erase, Now: strconv.FormatInt(now.UnixMilli(), 10),
		MsgTTL: strconv.FormatInt(ttlMillis(s.outboxRetention, DefaultOutboxRetention), 10),
		RegMax: strconv.Itoa(StreamMaxLen), CBTTL: strconv.FormatInt(s.callbackTTLSeconds(), 10),
	}
	if c.Registration != nil {
		r, err := s.regArgOf(p, c.Registration)
		if err != nil {
			return nil, err
		}
		a.Reg = r
	}
	for _, cb := range fx.Callbacks {
		if cb.Ref == "" {
			return nil, errNoRef
		}
		a.CBs = append(a.CBs, cbArg{Ref: cb.Ref, Ms: strconv.FormatInt(cb.Created.UnixMilli(), 10), Fields: callbackFields(p, cb)})
	}
	if fx.Subscribe != "" {
		a.Sub = string(fx.Subscribe)
		a.SubVal = string(fx.Lang) + " " + string(fx.Phone) + " " + a.Now
	}
	a.Camp = fx.CampaignReply
	if ca := fx.CampaignAnswers; ca != nil {
		b, err := jsonMarshal(ca)
		if err != nil {
			return nil, fmt.Errorf("error encoding campaign answers: %w", err)
		}
		// Sealed like a registration when encryption is on: it holds the
		// number and answers.
		a.CampID, a.CampAns = ca.Campaign, s.sealField("camprsp", string(b))
	}
	if len(fx.Quota) > 0 {
		a.Quota = fx.Quota
		a.QTTL = strconv.FormatInt(ttlMillis(fx.QuotaTTL, 24*time.Hour), 10)
	}
	for _, m := range fx.Messages {
		o, err := obArgOf(m, p)
		if err != nil {
			return nil, err
		}
		a.Msgs = append(a.Msgs, o)
	}
	return a, nil
}

// jsonMarshal is json.Marshal without HTML escaping, so that texts keep
// their '<', '>' and '&' as they are.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// regArgOf describes a registration for the commit script, its number and
// answers sealed when encryption is on (the indexed answers stay readable:
// the indexes are named by them).
func (s *Store) regArgOf(p msg.PersonID, r *msg.Registration) (*regArg, error) {
	if r.Ref == "" {
		return nil, errNoRef
	}
	created := r.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC()
	a := &regArg{
		Ref: r.Ref, Person: string(p), Ms: strconv.FormatInt(created.UnixMilli(), 10), Lang: string(r.Lang),
		Region: r.Answers[ansRegion], Situation: r.Answers[ansSituation], Sector: r.Answers[ansSector],
		Created: created.Format(createdLayout),
	}
	if s.operator != nil && r.Phone != "" {
		a.Operator = s.operator(r.Phone)
	}
	a.Fields = []string{"ref", r.Ref, "person", string(p), "phone", s.sealField("phone", string(r.Phone)), "lang", string(r.Lang),
		"channel", string(r.Channel), "created", a.Created}
	for k, v := range r.Answers {
		f := answerPrefix + k
		if k != ansRegion && k != ansSituation && k != ansSector {
			v = s.sealField(f, v)
		}
		a.Fields = append(a.Fields, f, v)
	}
	return a, nil
}

// callbackFields are the hash fields of a call-back request.
func callbackFields(p msg.PersonID, c msg.Callback) []string {
	return []string{"ref", c.Ref, "person", string(p), "phone", string(c.Phone), "lang", string(c.Lang),
		"region", c.Region, "topic", c.Topic, "created", c.Created.UTC().Format(createdLayout)}
}

// obArgOf describes an outbound message for enqueueLua; p is the person
// when the message does not name one.
func obArgOf(m msg.Outbound, p msg.PersonID) (obArg, error) {
	if m.ID == "" || m.To == "" {
		return obArg{}, fmt.Errorf("error queueing message: no id or recipient")
	}
	lane := m.Lane
	if lane == "" {
		lane = msg.LaneConversation
	}
	if lane != msg.LaneConversation && lane != msg.LaneBulk {
		return obArg{}, fmt.Errorf("error queueing message %s: unknown lane %q", m.ID, lane)
	}
	if m.Person != "" {
		p = m.Person
	}
	a := obArg{ID: m.ID, Lane: string(lane), To: string(m.To), Text: m.Text, P: string(p), Kind: string(m.Kind), Camp: m.Campaign}
	if m.ResendUnknown {
		a.RU = "1"
	}
	return a, nil
}

// effectsLua checks and applies a hop's effects. Key names are derived
// from the prefix and person that fx_init sets: the shared keys all carry
// the tag {g}, so that a script applying effects touches one slot (the
// person's quota, in their own slot, is written only by the scripts that
// hold the person's keys: commitScript and personScript).
const effectsLua = `
local fx_regmax = '100000'
local PFX, PERSON = '', ''
local function fx_init(pfx, p) PFX, PERSON = pfx, p end

local function check_effects(fx)
  local pfx = PFX
  if fx.reg then
    local owner = redis.call('HGET', pfx .. 'reg:{g}:' .. fx.reg.ref, 'person')
    if owner and owner ~= fx.reg.person then return 2 end
  end
  if fx.cbs then
    for _, cb in ipairs(fx.cbs) do
      if redis.call('EXISTS', pfx .. 'cb:{g}:' .. cb.ref) == 1 then return 2 end
    end
  end
  return 0
end

local function write_registration(r)
  local pfx = PFX
  local regp, idxp = pfx .. 'reg:{g}:', pfx .. 'idx:{g}:'
  local regpk, regs = pfx .. 'regp:{g}', pfx .. 'regs:{g}'
  local owner = redis.call('HGET', regp .. r.ref, 'person')
  local old = redis.call('HGET', regpk, r.person)
  if old then unindex(regp, idxp, regs, old, r.person) end
  if owner and old ~= r.ref then unindex(regp, idxp, regs, r.ref, r.person) end
  redis.call('HSET', regp .. r.ref, unpack(r.fields))
  redis.call('HSET', regpk, r.person, r.ref)
  redis.call('ZADD', regs, r.ms, r.ref)
  local names = {'lang', 'region', 'situation', 'sector'}
  local vals = {r.lang, r.region, r.situation, r.sector}
  for i = 1, 4 do
    if vals[i] ~= '' then redis.call('SADD', idxp .. names[i] .. ':' .. vals[i], r.ref) end
  end
  redis.call('XADD', pfx .. 'regstream:{g}', 'MAXLEN', '~', fx_regmax, '*', 'ref', r.ref, 'lang', r.lang,
    'region', r.region, 'situation', r.situation, 'sector', r.sector, 'created', r.created)
  if not old then
    -- Staff's counts of registrations (a person's first; an update is not
    -- counted again).
    local st = pfx .. 'stats:{g}'
    redis.call('HINCRBY', st, 'reg|total', 1)
    redis.call('HINCRBY', st, 'reg|day|' .. string.sub(r.created, 1, 10), 1)
    for i = 1, 4 do redis.call('HINCRBY', st, 'reg|' .. names[i] .. '|' .. vals[i], 1) end
    if r.operator and r.operator ~= '' then redis.call('HINCRBY', st, 'reg|operator|' .. r.operator, 1) end
  end
end

local function write_callback(cb, ttl)
  local pfx, p = PFX, PERSON
  local prefix = pfx .. 'cb:{g}:'
  local cbp = pfx .. 'cbp:{g}'
  redis.call('HSET', prefix .. cb.ref, unpack(cb.fields))
  redis.call('EXPIRE', prefix .. cb.ref, ttl)
  redis.call('ZADD', pfx .. 'cbopen:{g}', cb.ms, cb.ref)
  redis.call('ZADD', pfx .. 'cball:{g}', cb.ms, cb.ref)
  -- The person's list keeps the refs that still exist, so that it grows no
  -- longer than the requests kept.
  local refs = {}
  local old = redis.call('HGET', cbp, p)
  if old then
    for r in string.gmatch(old, '%S+') do
      if redis.call('EXISTS', prefix .. r) == 1 then refs[#refs + 1] = r end
    end
  end
  refs[#refs + 1] = cb.ref
  redis.call('HSET', cbp, p, table.concat(refs, ' '))
end

-- write_quota writes the quota counters fx carries: only from a script
-- that holds the person's keys.
local function write_quota(fx)
  if not fx.q then return end
  local k = PFX .. 'quota:{' .. PERSON .. '}'
  local h = {}
  for f, v in pairs(fx.q) do h[#h + 1] = f; h[#h + 1] = v end
  if #h > 0 then
    redis.call('HSET', k, unpack(h))
    if redis.call('PTTL', k) < tonumber(fx.qttl) then redis.call('PEXPIRE', k, fx.qttl) end
  end
end

-- apply_shared applies every effect but the quota: the keys it writes all
-- carry {g}.
local function apply_shared(fx)
  fx_regmax = fx.regmax
  if not fx.erase then
    if fx.reg then write_registration(fx.reg) end
    if fx.cbs then
      for _, cb in ipairs(fx.cbs) do write_callback(cb, fx.cbttl) end
    end
    local optout = PFX .. 'optout:{g}'
    if fx.opt == 'out' then
      redis.call('SADD', optout, PERSON)
      redis.call('HDEL', PFX .. 'sub:{g}', PERSON)
    end
    if fx.opt == 'in' then redis.call('SREM', optout, PERSON) end
    if fx.sub == 'in' then
      redis.call('HSET', PFX .. 'sub:{g}', PERSON, fx.subval)
      redis.call('SREM', optout, PERSON)
    end
    if fx.sub == 'out' then redis.call('HDEL', PFX .. 'sub:{g}', PERSON) end
    local t = '{g}:' .. PERSON
    if fx.camp then
      redis.call('DEL', PFX .. 'cr:' .. t)
      redis.call('HINCRBY', PFX .. 'campstat:{g}:' .. fx.camp, 'replies', 1)
    end
    if fx.campid then
      redis.call('HSET', PFX .. 'camprsp:{g}:' .. fx.campid, PERSON, fx.campans)
      redis.call('SADD', PFX .. 'crp:' .. t, fx.campid)
    end
  end
  if fx.msgs then
    for _, m in ipairs(fx.msgs) do enqueue(PFX, m, fx.mttl, fx.now) end
  end
end
`
