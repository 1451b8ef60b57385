-- Records first tries made straight from the fan-out: per events-stream entry that is this call's (not
-- put back by sweep_events for another replica, nor recorded by one: see takeEntries), the records of its
-- deliveries as their tries left them, their indexes, and the entry's deletion. Each record holds its
-- event (so = 1), as in fanout for an event's only delivery: an event with a few deliveries has them all
-- tried at once, each record with a copy of the event, and its items come one after another with the
-- same entryId.
-- KEYS[1]  events stream   KEYS[2]  deliveries stream   KEYS[3]  retries
-- ARGV     now, ttl (unused: records have none), maxCount, again (1: the call repeats one that failed),
--          layout (3: delivered ones go to their webhook's archive, see lib/archive.lua, and their
--          records come without project and webhook; 4: into its list's items, their records as it holds
--          them; 5: the same, and one that comes before its list's last item is appended behind a key of
--          its own, see ARCHIVE_SHIFT; the records come encoded in theirs), then per
--          delivery: entryId, eventId, projectId, deliveryId, webhookId, createdAt, status ('' when no
--          record is kept: the webhook or the event is gone; pending: the try could not be made, queued;
--          held: its webhook's circuit is open), nextAt, the record (RecordFormat; a delivered one of
--          layout 4 as its archive item whole, 'createdAt:deliveryId:record')
-- Returns  'OK'
-- uses: records, indexes, archive, retention
local tag = string.sub(KEYS[1], 1, -7)
local now, maxCount, again, layout = ARGV[1], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local entries, seen = {}, {}
for i = 6, #ARGV, 9 do
  if not seen[ARGV[i]] then
    seen[ARGV[i]] = true
    entries[#entries + 1] = ARGV[i]
  end
end
local gone = takeEntries(KEYS[1], entries, again, function()
  local keys = {}
  for i = 6, #ARGV, 9 do
    local k = keys[ARGV[i]] or {}
    keys[ARGV[i]] = k
    k[#k + 1] = tag .. 'dl:' .. ARGV[i+3]
  end
  return keys
end, function(entry)
  for i = 6, #ARGV, 9 do
    if ARGV[i] == entry and (redis.call('HEXISTS', wha(tag, ARGV[i+2], ARGV[i+4]), ARGV[i+3]) == 1
        or archiveFind(whl(tag, ARGV[i+2], ARGV[i+4]), ARGV[i+3], ARGV[i+5])) then
      return true
    end
  end
  return false
end)
for i = 6, #ARGV, 9 do
  local entry, ev, pr, id, wh, at, st = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
  if not (gone and gone[entry]) then
    if st == 'delivered' and (layout >= 4 or (layout == 3 and string.sub(ARGV[i+8], 1, 12) == 'delivered|1|')) then
      archiveLater(pr, wh, i)
    elseif st ~= '' then
      if st == 'retrying' then
        redis.call('ZADD', KEYS[3], ARGV[i+7], id)
        markOpen(tag, pr, wh)
      elseif st == 'parked' then
        redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, at, id)
        markOpen(tag, pr, wh)
      elseif st == 'held' then
        markOpen(tag, pr, wh)
      elseif st == 'pending' then
        enqueue(tag, KEYS[2], id, wh, ev, pr, 0)
      end
      redis.call('SET', tag .. 'dl:' .. id, ARGV[i+8])
      local base = whd(tag, pr, wh)
      redis.call('ZADD', base, at, id)
      if st == 'delivered' then
        recordCreated(pr, wh, at, id)
      else
        if st ~= 'pending' then redis.call('ZADD', base .. ':' .. st, at, id) end
        recordCreated(pr, wh, at)
      end
    end
  end
end
archiveCreated(tag, maxCount, layout >= 4, layout >= 5)
trimCreated(tag, maxCount)
return 'OK'
