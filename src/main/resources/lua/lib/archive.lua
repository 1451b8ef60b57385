-- The archive of a webhook (keys whl and wha, lib/indexes.lua): the records of its first tries that were
-- delivered while it had nothing retrying, parked or held, written once (lib/retention.lua,
-- archiveCreated) and never changed. Each is an item 'at:id:record' of one list in creation order
-- (recordLayout 4), so that retention removes the oldest with one LTRIM for many, and
-- a record costs no key of its own, no sorted-set entry and no hash field; recordLayout 3 kept the record
-- in a field of one hash (wha) and 'at:id' in the list, and both kinds are read (a list may hold both).
-- Every other record stays a key of its own in the webhook's index. The API reads both (DeliveryLog).
-- A record goes into the archive only after its list's last item, by creation time and then ID, so that
-- the list stays in creation order (lib/retention.lua, archiveCreated), or from recordLayout 5 behind a key
-- within ARCHIVE_SHIFT of it (below): the list is in order of its items' keys, which are creation times
-- but for those shifted. The partition's hash 'tails' names
-- each webhook (pr:wh) whose archive was ever given a record, for register_archives.lua; recordLayout 3
-- still writes 'at:id' of the newest item there on every call, which replicas of the version before read
-- (this version reads no value of it). Needs indexes.
local function tails(tag) return tag .. 'tails' end
-- A record in the archive (recordLayout 4) leaves out what its item and key say: 'ev|header\ntry\npayload'
-- with the header's creation time empty and the try's start ("a") as its distance from it ("o", left out
-- when 0), for a status and so that are always delivered and 1 (EventQueue encodes it, RecordFormat).
-- fullRecord puts them back: the record as a key of its own holds it (RecordFormat's layout 2).
local function fullRecord(c, pr, wh, at)
  local bar = string.find(c, '|', 1, true)
  local nl = string.find(c, '\n', bar, true)
  local head = string.sub(c, bar + 1, nl)
  -- The header starts ["name","" (event names hold no quote): the time goes into that empty string.
  local q = string.find(head, '","', 3, true)
  if q and string.sub(head, q, q + 3) == '",""' then
    head = string.sub(head, 1, q + 2) .. at .. string.sub(head, q + 3)
  end
  local rest = string.sub(c, nl + 1)
  local o, p = string.match(rest, '^{"o":(%-?%d+),()')
  if o then
    rest = '{"a":' .. string.format('%.0f', tonumber(at) + tonumber(o)) .. ',' .. string.sub(rest, p)
  elseif string.sub(rest, 1, 5) == '{"d":' then
    rest = '{"a":' .. at .. ',' .. string.sub(rest, 2)
  end
  return 'delivered|1|' .. string.sub(c, 1, bar - 1) .. '|' .. pr .. '|' .. wh .. '|' .. head .. rest
end
-- How far an item's place in its list (the time at its head) may lie after its record's creation, in ms.
-- From recordLayout 5 a delivered first try recorded after a newer one of its webhook (replicas whose calls
-- interleave, concurrent calls) is appended, not inserted among the list's last items: its item is
-- 'key:id:~at:id:record', the item as the gateway built it behind a key that keeps the list in order (the
-- last item's time, or 1 ms more), when that key is at most ARCHIVE_SHIFT after its creation (else it is
-- inserted as before). The list stays sorted by key and ID, which is what every reader bisects and trims
-- by; a record is found by its ID within ARCHIVE_SHIFT after its time, and a page (archive_page.lua) reads
-- ARCHIVE_SHIFT further to list in creation order still.
local ARCHIVE_SHIFT = 1000
-- A shifted item's creation time (a string), read where its part after 'key:id:' starts (p): '~at:id:';
-- nil for an item that is not shifted.
local function shiftedAt(item, p)
  if string.byte(item, p) == 126 then return string.match(item, '^~(%d+):', p) end
end
-- An item's key (its creation time unless shifted) and delivery ID (strings), and its record made whole
-- (nil for an item 'at:id' of recordLayout 3, whose record is in the hash).
local function itemRecord(item, pr, wh)
  local at, id = string.match(item, '^(%d+):([^:]+)')
  if #item <= #at + #id + 1 then return at, id, nil end
  local p = #at + #id + 3
  local created = shiftedAt(item, p)
  if created then return at, id, fullRecord(string.sub(item, p + #created + #id + 3), pr, wh, created) end
  return at, id, fullRecord(string.sub(item, p), pr, wh, at)
end
-- An item's record's creation time (a number: the item's key, or a shifted one's own) and its delivery ID,
-- without making the record whole. It is never after the key.
local function itemCreated(item)
  local a = string.find(item, ':', 1, true)
  local b = string.find(item, ':', a + 1, true)
  local id = string.sub(item, a + 1, (b or 0) - 1)
  return tonumber(b and shiftedAt(item, b + 1) or string.sub(item, 1, a - 1)), id
end
-- recordLayout 3's archived record leaves out its project and webhook (st|so|ev|||...): the archive's key
-- names them. complete_first is given delivered first tries that way, and one that does not go into the
-- archive gets them back here (v: the record without them).
local function withOwner(v, pr, wh)
  local a = string.find(v, '|', 1, true)
  local b = a and string.find(v, '|', a + 1, true)
  local c = b and string.find(v, '|', b + 1, true)
  -- A record that has them (or is none) stays as it is.
  if not c or string.sub(v, c + 1, c + 2) ~= '||' then return v end
  return string.sub(v, 1, c) .. pr .. '|' .. wh .. string.sub(v, c + 2)
end
-- How far a record's creation may lie from its event's acceptance (the time in its delivery ID) for it to
-- go into the archive, in ms: a record is found by its ID alone (the API) by scanning its webhook's
-- archive from ARCHIVE_EARLY before that time to ARCHIVE_LATE after it. Records outside (a backlog of
-- over a minute, a replica's clock far off) stay keys of their own.
local ARCHIVE_EARLY, ARCHIVE_LATE = 1000, 60000
-- The acceptance time (ms) of the event of a delivery ID (Ids.delivery: 13 hex digits of microseconds
-- first); nil for an ID of another form.
local function idTime(id)
  local us = #id == 28 and tonumber(string.sub(id, 1, 13), 16)
  return us and math.floor(us / 1000)
end
local function archivable(id, at)
  local t = idTime(id)
  return t and at >= t - ARCHIVE_EARLY and at <= t + ARCHIVE_LATE
end
-- The item of delivery id in an archive's list l: found by bisection on its creation time at when given
-- (and scanned for up to ARCHIVE_SHIFT after it), else over its archivable range (idTime); nil when not
-- there.
local function archiveFind(l, id, at)
  local from, to
  if at then
    from, to = tonumber(at), tonumber(at) + ARCHIVE_SHIFT
  else
    local t = idTime(id)
    if not t then return nil end
    from, to = t - ARCHIVE_EARLY, t + ARCHIVE_LATE + ARCHIVE_SHIFT
  end
  local lo, hi = 0, redis.call('LLEN', l)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if archived(redis.call('LINDEX', l, mid)) < from then lo = mid + 1 else hi = mid end
  end
  while true do
    local chunk = redis.call('LRANGE', l, lo, lo + 63)
    for _, item in ipairs(chunk) do
      local a, d = archived(item)
      if a > to then return nil end
      if d == id then return item end
    end
    if #chunk < 64 then return nil end
    lo = lo + 64
  end
end
-- A delivery's record in its webhook's archive (list l, hash a) as a key of its own would hold it, and its
-- item; nil when it is not there. at: its creation time when known (see archiveFind).
local function archiveLookup(l, a, id, pr, wh, at)
  local v = redis.call('HGET', a, id)
  if v then
    local h = decodeRecord(v)
    return withOwner(v, pr, wh), (h.at or '') .. ':' .. id
  end
  local item = archiveFind(l, id, at)
  if not item then return nil end
  local _, _, v = itemRecord(item, pr, wh)
  if not v then return nil end
  return v, item
end
-- Removes the n oldest items of a webhook's archive; a hash (recordLayout 3) goes with the last item,
-- whatever it holds (fields the list no longer names could never be removed otherwise).
local function archivePop(tag, pr, wh, n)
  if n <= 0 then return end
  local l = whl(tag, pr, wh)
  if redis.call('EXISTS', wha(tag, pr, wh)) == 0 then
    -- No hash (recordLayout 4 only): nothing to remove but the items, so nothing of them to hand to Lua.
    redis.call('LTRIM', l, n, -1)
    return
  end
  local popped = redis.call('LPOP', l, n)
  if not popped then return end
  -- Records of recordLayout 3 are fields of the hash.
  local ids = {}
  for _, item in ipairs(popped) do
    local _, id, inline = archived(item)
    if not inline then ids[#ids + 1] = id end
  end
  if redis.call('EXISTS', l) == 0 then
    redis.call('DEL', wha(tag, pr, wh))
  elseif #ids > 0 then
    callEach('HDEL', {wha(tag, pr, wh)}, ids)
  end
end
-- Removes the oldest items of a webhook's archive created before `before` (up to it when inclusive), at
-- most limit; answers how many went.
local function archivePopBefore(tag, pr, wh, before, inclusive, limit)
  local l, bound, n = whl(tag, pr, wh), tonumber(before), 0
  while n < limit do
    local chunk = redis.call('LRANGE', l, 0, math.min(limit - n, 128) - 1)
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
-- An archived record (h, decoded; item, its list's item) back to a key of its own in its webhook's index,
-- so that it can change (a manual retry); false when it cannot be (no creation time).
local function unarchive(tag, pr, wh, id, h, item)
  local at = h.at
  if not at then return false end
  redis.call('LREM', whl(tag, pr, wh), 1, item)
  redis.call('HDEL', wha(tag, pr, wh), id)
  redis.call('SET', tag .. 'dl:' .. id, encodeRecord(h))
  redis.call('ZADD', whd(tag, pr, wh), at, id)
  return true
end
-- Puts an item (created at `at`, delivery ID id) into a webhook's archive list among its last 16 when
-- newer ones are there (a first try recorded after a newer one of its webhook: concurrent calls, a slow
-- receiver, replicas whose calls interleave), so that the list stays in creation order; answers the
-- list's length, or nil when all 16 are newer (the record then stays out of the archive). The newer items
-- are read one at a time from the end: they are one or two as a rule, and every item read is a string
-- Lua hashes byte by byte (reading the last 16 at once made a third of Redis's work per delivery with
-- three replicas, whose calls put four deliveries in ten here).
-- l: the list's key (whl); last: the list's last item when the caller has read it and knows it newer.
local NEG = {}
for j = 1, 16 do NEG[j] = tostring(-j) end
local function archiveInsert(l, at, id, item, last)
  local newer = {last}
  for j = #newer + 1, 16 do
    local v = redis.call('LINDEX', l, NEG[j])
    if not v then break end
    local a, d = archived(v)
    if a > at or (a == at and d > id) then newer[j] = v else break end
  end
  local k = #newer
  if k == 16 then return nil end
  if k == 0 then return redis.call('RPUSH', l, item) end
  -- LTRIM, not RPOP: RPOP would hand the items back to Lua, to be hashed again.
  redis.call('LTRIM', l, 0, NEG[k + 1])
  local args = {item}
  for j = k, 1, -1 do args[#args + 1] = newer[j] end
  return redis.call('RPUSH', l, unpack(args))
end
