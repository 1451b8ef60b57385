-- The archive of a webhook (keys wha and whl, lib/indexes.lua): the records of its first tries that were
-- delivered while it had nothing retrying, parked or held, written once (lib/retention.lua,
-- archiveCreated) and never changed. Each is a field of one hash, and 'at:id' of each is an item of one
-- list in creation order, so that retention removes the oldest with one LPOP and one HDEL for many,
-- without reading them, and a record costs no key of its own and no sorted-set entry. Every other
-- record stays a key of its own in the webhook's index. The API reads both (DeliveryLog). The
-- partition's hash 'tails' holds, per webhook (pr:wh), the newest item its archive was given (an item
-- may be gone since: retention, a manual retry), read for many webhooks with one HMGET: a record goes
-- into the archive only after it, so that the list stays in creation order. Needs indexes.
local function tails(tag) return tag .. 'tails' end
-- An archived record leaves out its project and webhook (st|so|ev|||...): the archive's key names them.
-- complete_first is given delivered first tries that way (EventQueue, recordLayout 3), and one that does
-- not go into the archive gets them back here (v: the record without them).
local function withOwner(v, pr, wh)
  local a = string.find(v, '|', 1, true)
  local b = a and string.find(v, '|', a + 1, true)
  local c = b and string.find(v, '|', b + 1, true)
  -- A record that has them (or is none) stays as it is.
  if not c or string.sub(v, c + 1, c + 2) ~= '||' then return v end
  return string.sub(v, 1, c) .. pr .. '|' .. wh .. string.sub(v, c + 2)
end
-- An archived record's value decoded, its project and webhook put back.
local function archivedRecord(v, pr, wh)
  local h = decodeRecord(v)
  h.pr, h.wh = pr, wh
  return h
end
-- Removes the n oldest items of a webhook's archive; the hash goes with the last item, whatever it
-- holds (fields the list no longer names could never be removed otherwise).
local function archivePop(tag, pr, wh, n)
  if n <= 0 then return end
  local l = whl(tag, pr, wh)
  local popped = redis.call('LPOP', l, n)
  if not popped then return end
  local ids = {}
  for i, item in ipairs(popped) do
    local _, id = archived(item)
    ids[i] = id
  end
  if redis.call('EXISTS', l) == 0 then
    redis.call('DEL', wha(tag, pr, wh))
  else
    callEach('HDEL', {wha(tag, pr, wh)}, ids)
  end
end
-- Removes the oldest items of a webhook's archive created before `before` (up to it when inclusive), at
-- most limit; answers how many went.
local function archivePopBefore(tag, pr, wh, before, inclusive, limit)
  local l, bound, n = whl(tag, pr, wh), tonumber(before), 0
  while n < limit do
    local chunk = redis.call('LRANGE', l, 0, math.min(limit - n, 500) - 1)
    local k = 0
    for _, item in ipairs(chunk) do
      local at = archived(item)
      if at < bound or (inclusive and at == bound) then k = k + 1 else break end
    end
    archivePop(tag, pr, wh, k)
    n = n + k
    if k < #chunk or #chunk == 0 then break end
  end
  return n
end
-- An archived record (h, archivedRecord's) back to a key of its own in its webhook's index, so that it
-- can change (a manual retry); false when it cannot be (no creation time).
local function unarchive(tag, pr, wh, id, h)
  local at = h.at
  if not at then return false end
  redis.call('LREM', whl(tag, pr, wh), 1, at .. ':' .. id)
  redis.call('HDEL', wha(tag, pr, wh), id)
  redis.call('SET', tag .. 'dl:' .. id, encodeRecord(h))
  redis.call('ZADD', whd(tag, pr, wh), at, id)
  return true
end
-- Puts an item (created at `at`, delivery ID id) into a webhook's archive list among its last 16 when
-- newer ones are there (a first try recorded after a newer one of its webhook: concurrent calls, a slow
-- receiver), so that the list stays in creation order; answers the list's length, or nil when all 16
-- are newer (the record then stays out of the archive).
local function archiveInsert(tag, pr, wh, at, id, item)
  local l = whl(tag, pr, wh)
  local recent = redis.call('LRANGE', l, -16, -1)
  local k = 0
  for j = #recent, 1, -1 do
    local a, d = archived(recent[j])
    if a > at or (a == at and d > id) then k = k + 1 else break end
  end
  if k == 16 then return nil end
  if k == 0 then return redis.call('RPUSH', l, item) end
  redis.call('RPOP', l, k)
  local args = {item}
  for j = #recent - k + 1, #recent do args[#args + 1] = recent[j] end
  return redis.call('RPUSH', l, unpack(args))
end
