package redisstore

// unindexLua is the Lua function, shared by the commit and delete scripts,
// that removes a registration and its index entries. It leaves a hash that
// belongs to another person untouched (only its stale entry in the all-set
// of ref is dropped when the hash is gone). Index key names are derived
// from the hash's values; they share the {g} slot with the declared keys.
//
// unindex(regPrefix, idxPrefix, regsKey, ref, person)
const unindexLua = `
local function unindex(regp, idxp, regs, ref, person)
  local k = regp .. ref
  local o = redis.call('HMGET', k, 'person', 'lang', 'a.region', 'a.situation', 'a.sector')
  if o[1] and o[1] ~= person then return end
  redis.call('ZREM', regs, ref)
  local names = {'lang', 'region', 'situation', 'sector'}
  for i = 1, 4 do
    local v = o[i + 1]
    if v and v ~= '' then redis.call('SREM', idxp .. names[i] .. ':' .. v, ref) end
  end
  redis.call('DEL', k)
end
`
