-- Records each event's deliveries (records, indexes, deliveries-stream entries) and deletes the event's
-- stream entry, atomically; an entry that is not this call's (sweep_events put it back for another
-- replica, or another replica recorded it: see takeEntries) is skipped. An event with one delivery moves
-- into its record (so = 1); one with several gets an event hash its records share.
-- A delivery to a disabled webhook is recorded as skipped, without a try (recover replays it).
-- KEYS[1]  events stream   KEYS[2]  deliveries stream
-- ARGV     now, ttl (s: the event hash's; records have none), maxCount (retention), again (1: the call
--          repeats one that failed), layout (of new records: 1 or 2, see lib/records.lua), then
--          per event: entryId, eventId, projectId, name, user, acceptedAt, payload, requestId, n, then
--          n x (deliveryId, webhookId, status: pending or skipped)
-- Returns  'OK'
-- uses: records, indexes, archive, retention
local tag = string.sub(KEYS[1], 1, -7)
local now, ttl, maxCount, again, layout = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local entries = {}
local i = 6
while i <= #ARGV do
  entries[#entries + 1] = ARGV[i]
  i = i + 9 + 3 * tonumber(ARGV[i+8])
end
local gone = takeEntries(KEYS[1], entries, again, function()
  local keys, at = {}, 6
  while at <= #ARGV do
    local n, k = tonumber(ARGV[at+8]), {}
    for j = 0, n - 1 do k[#k + 1] = tag .. 'dl:' .. ARGV[at + 9 + 3*j] end
    keys[ARGV[at]] = k
    at = at + 9 + 3 * n
  end
  return keys
end, function(entry)
  -- Another replica may have tried and archived the entry's deliveries (lib/archive.lua).
  local at = 6
  while at <= #ARGV do
    local n = tonumber(ARGV[at+8])
    if ARGV[at] == entry then
      for j = 0, n - 1 do
        local pr, wh, id = ARGV[at+2], ARGV[at + 10 + 3*j], ARGV[at + 9 + 3*j]
        if redis.call('HEXISTS', wha(tag, pr, wh), id) == 1 or archiveFind(whl(tag, pr, wh), id) then return true end
      end
    end
    at = at + 9 + 3 * n
  end
  return false
end)
i = 6
while i <= #ARGV do
  local entry, ev, pr, nm, n = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+8])
  local base = i
  i = i + 9
  if not (gone and gone[entry]) then
    if n > 0 then
      if n > 1 then
        local ek = evKey(tag, pr, ev)
        redis.call('HSET', ek, 'pr', pr, 'nm', nm, 'us', ARGV[base+4], 'at', ARGV[base+5], 'pl', ARGV[base+6],
          'rq', ARGV[base+7], 'refs', n)
        redis.call('EXPIRE', ek, ttl)
      end
      for j = 0, n - 1 do
        local id, wh, st = ARGV[i + 3*j], ARGV[i + 3*j + 1], ARGV[i + 3*j + 2]
        local h = {id = id, wh = wh, pr = pr, ev = ev, nm = nm, st = st, at = now, up = now, nx = 0, n = 0, s = 0,
          v1 = layout == '1'}
        if n == 1 then
          -- The event's only delivery: the event lives in the record and goes with it (so = 1).
          h.so = 1
          h.us, h.ea, h.pl, h.rq = ARGV[base+4], ARGV[base+5], ARGV[base+6], ARGV[base+7]
        end
        redis.call('SET', tag .. 'dl:' .. id, encodeRecord(h))
        redis.call('ZADD', whd(tag, pr, wh), now, id)
        if st == 'skipped' then
          redis.call('ZADD', whd(tag, pr, wh) .. ':skipped', now, id)
        else
          enqueue(tag, KEYS[2], id, wh, ev, pr, 0)
        end
        recordCreated(pr, wh, now)
      end
    end
  end
  i = i + 3 * n
end
trimCreated(tag, maxCount)
return 'OK'
