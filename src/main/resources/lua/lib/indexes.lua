-- Keys of a partition, status indexes, record removal and stream entries (see QueueKeys). Needs records.
local function whd(tag, pr, wh) return tag .. 'whd:' .. pr .. ':' .. wh end
-- A webhook's archive (lib/archive.lua): the records of its finished first tries, each an item of one
-- list (whl) in creation order, 'at:id:record' (recordLayout 4), or 'at:id' with the record a field of
-- one hash (wha, recordLayout 3).
local function wha(tag, pr, wh) return tag .. 'wha:' .. pr .. ':' .. wh end
local function whl(tag, pr, wh) return tag .. 'whl:' .. pr .. ':' .. wh end
-- An archive list's item as its creation time (a number), its delivery ID, and whether the record is in
-- the item (IDs hold no ':'). Plain finds, not a pattern: a pattern's classes cost Lua a test per
-- character, on every item the fan-out's scripts read.
local function archived(item)
  local a = string.find(item, ':', 1, true)
  local b = string.find(item, ':', a + 1, true)
  return tonumber(string.sub(item, 1, a - 1)), string.sub(item, a + 1, (b or 0) - 1), b ~= nil
end
-- An event's hash: event IDs are unique within a project only (QueueKeys.event).
local function evKey(tag, pr, ev) return tag .. 'ev:' .. pr .. ':' .. ev end
-- Calls cmd with fixed arguments followed by the items, at most 1000 items per call (an even number:
-- score/member pairs stay together).
local function callEach(cmd, fixed, items)
  for j = 1, #items, 1000 do
    local args = {unpack(fixed)}
    for x = j, math.min(j + 999, #items) do args[#args + 1] = items[x] end
    redis.call(cmd, unpack(args))
  end
end
-- Calls cmd on key with the items, at most 1000 items per call, and answers the replies' elements in
-- the items' order (SMISMEMBER, HMGET, ZMSCORE).
local function callJoined(cmd, key, items)
  local out = {}
  for j = 1, #items, 1000 do
    for _, v in ipairs(redis.call(cmd, key, unpack(items, j, math.min(j + 999, #items)))) do out[#out + 1] = v end
  end
  return out
end
-- Status indexes. 'pending' has none: nearly every delivery passes through it for a few
-- milliseconds, and its index cost a ZADD and a ZREM per delivery. 'delivered' is the status of
-- nearly every record, and its index too cost a ZADD and a ZREM per delivery (docs/performance.md
-- has what that cost): it is kept only as an aid to retention, holding the records delivered
-- while their webhook has unfinished ones (retrying, parked). Only those can sit behind an unfinished
-- record, out of reach of trimming from the head of the webhook's index (see trim). Listing pending or
-- delivered deliveries reads the webhook's general index and filters by status (see EventQueue.list).
-- The partition's set 'open' names (pr:wh) every webhook that may have retrying, parked or held records:
-- added to when a record becomes one, cleared lazily (see trimCreated, held_webhooks.lua), so that the fan-out's scripts
-- look up one set per call instead of two indexes per webhook. A webhook outside it has no delivered
-- index.
local function hasOpen(base)
  return redis.call('EXISTS', base .. ':retrying', base .. ':parked', base .. ':held') > 0
end
local function markOpen(tag, pr, wh)
  redis.call('SADD', tag .. 'open', pr .. ':' .. wh)
end
-- A webhook (w = pr:wh, base its index) found with no retrying, parked or held record leaves 'open', and
-- its delivered index goes with it.
local function unmarkOpen(tag, w, base)
  redis.call('SREM', tag .. 'open', w)
  redis.call('DEL', base .. ':delivered')
end
-- The creation time of a webhook's oldest record, of its index's and its archive's heads; nil when it
-- has none.
local function headAt(tag, pr, wh)
  local head = redis.call('ZRANGE', whd(tag, pr, wh), 0, 0, 'WITHSCORES')
  local at = head[2] and tonumber(head[2])
  local first = redis.call('LINDEX', whl(tag, pr, wh), 0)
  if first then
    local a = archived(first)
    if not at or a < at then at = a end
  end
  return at
end
-- Puts a webhook with records into the partition's 'aged' set (lib/retention.lua) at its oldest record's
-- creation time, or lowers its score to that; answers 1 when it was added.
local function agedAtHead(tag, pr, wh)
  local at = headAt(tag, pr, wh)
  if not at then return 0 end
  return redis.call('ZADD', tag .. 'aged', 'LT', string.format('%.0f', at), pr .. ':' .. wh)
end
local function move(tag, id, pr, wh, old, new, at)
  local base = whd(tag, pr, wh)
  if old and old ~= '' and old ~= new and old ~= 'pending' then redis.call('ZREM', base .. ':' .. old, id) end
  if new == 'delivered' then
    if hasOpen(base) then redis.call('ZADD', base .. ':delivered', at, id) end
  elseif new ~= 'pending' then
    redis.call('ZADD', base .. ':' .. new, at, id)
    if new ~= 'failed' and new ~= 'skipped' then markOpen(tag, pr, wh) end
  end
end
-- The statuses that have an index ('pending' has none, see move).
local statuses = {'delivered', 'retrying', 'parked', 'failed', 'held', 'skipped'}
-- Removes a record and every index entry of it; h is recordHead(k). pr and wh (may be nil) name its
-- webhook when the record has expired already, so that the indexes do not keep members that trim()
-- would meet forever. A record with so = 1 is the only one its event has ever had (the event matched
-- one webhook): the event goes with it, without a reference count. deliveredIndex false says that the
-- webhook's delivered index is empty (no ZREM needed); nil, that it may not be.
local function dropRecord(tag, id, pr, wh, h, deliveredIndex)
  local k = tag .. 'dl:' .. id
  pr = h[1] or pr
  wh = h[2] or wh
  if pr and wh then
    local base = whd(tag, pr, wh)
    redis.call('ZREM', base, id)
    local st = h[3]
    if st then
      if st ~= 'delivered' or deliveredIndex ~= false then redis.call('ZREM', base .. ':' .. st, id) end
    else
      for _, s in ipairs(statuses) do redis.call('ZREM', base .. ':' .. s, id) end
    end
    -- Only retrying and pending (deferred) records wait in retries, only parked ones in parked.
    if not st or st == 'retrying' or st == 'pending' then redis.call('ZREM', tag .. 'retries', id) end
    if not st or st == 'parked' then redis.call('ZREM', tag .. 'parked:' .. pr .. ':' .. wh, id) end
  end
  -- A record that holds its event (so) is the only one the event has: no event hash to release.
  if h[4] and pr and not h[5] then
    local ek = evKey(tag, pr, h[4])
    if redis.call('HINCRBY', ek, 'refs', -1) <= 0 then redis.call('DEL', ek) end
  end
  redis.call('DEL', k, k .. ':tries')
end
local function drop(tag, id, pr, wh)
  dropRecord(tag, id, pr, wh, recordHead(tag .. 'dl:' .. id))
end
-- Deletes finished stream entries, many per call (a call per entry costs more than the deletion).
local function xdel(stream, ids)
  callEach('XDEL', {stream}, ids)
end
-- Deletes the events-stream entries a call records (ids, without repeats) and answers those of them
-- that are not this call's to record, as a set (nil when all are). One XDEL for all: an XDEL per entry
-- cost more than the deletion. When it deletes fewer than given, an entry that was gone is not this
-- call's when sweep_events put it back at the stream's end for another replica (its note of moved
-- IDs), or when a record of its deliveries exists: another replica recorded it (read twice after a
-- failover set the group's position back). recordKeys() answers each entry's record keys; it runs
-- only then (and inArchive(id), when given, says whether a record of the entry is in an archive). An
-- entry gone with no record (a wiped Redis) is this call's. A call that repeats one that
-- failed (again = '1'), which may have recorded its entries already (only its answer lost), checks
-- entry by entry with an XDEL each.
local function takeEntries(stream, ids, again, recordKeys, inArchive)
  if again == '1' then
    local gone = {}
    for _, id in ipairs(ids) do
      if redis.call('XDEL', stream, id) == 0 then gone[id] = true end
    end
    return gone
  end
  local n = 0
  for j = 1, #ids, 1000 do
    n = n + redis.call('XDEL', stream, unpack(ids, j, math.min(j + 999, #ids)))
  end
  if n == #ids then return nil end
  local gone = {}
  for x, score in ipairs(callJoined('ZMSCORE', stream .. ':moved', ids)) do
    if score then gone[ids[x]] = true end
  end
  local keys = recordKeys()
  for _, id in ipairs(ids) do
    local k = keys[id] or {}
    for j = 1, #k, 1000 do
      if gone[id] then break end
      if redis.call('EXISTS', unpack(k, j, math.min(j + 999, #k))) > 0 then gone[id] = true end
    end
    if inArchive and not gone[id] and inArchive(id) then gone[id] = true end
  end
  return gone
end
local function enqueue(tag, stream, id, wh, ev, pr, s)
  redis.call('XADD', stream, '*', 'dl', id, 'wh', wh, 'ev', ev, 'pr', pr, 's', s)
end
-- A held delivery sent out as its webhook's probe: the entry carries the probe's lease token.
local function enqueueProbe(tag, stream, id, wh, ev, pr, token)
  redis.call('XADD', stream, '*', 'dl', id, 'wh', wh, 'ev', ev, 'pr', pr, 's', 0, 'pb', token)
end
