-- Records first tries made straight from the fan-out (events of one delivery): per events-stream entry
-- still pending (XACK == 1), the delivery's record as the try left it, its indexes, and the
-- acknowledgement. The event moves into the record (so = 1), as in fanout.
-- KEYS[1]  events stream   KEYS[2]  deliveries stream   KEYS[3]  retries
-- ARGV     group, now, ttl (s), maxCount, minScore, then per entry: entryId, eventId, projectId,
--          deliveryId, webhookId, createdAt, status ('' when no record is kept: the webhook or the event
--          is gone; pending: the try could not be made, queued; held: its webhook's circuit is open),
--          nextAt, the record (RecordFormat)
-- Returns  'OK'
-- uses: records, indexes, retention
local tag = string.sub(KEYS[1], 1, -7)
local group, now, ttl, maxCount, minScore = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local done = {}
for i = 6, #ARGV, 9 do
  local entry, ev, pr, id, wh, at, st = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
  if redis.call('XACK', KEYS[1], group, entry) == 1 then
    done[#done + 1] = entry
    if st ~= '' then
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
      redis.call('SET', tag .. 'dl:' .. id, ARGV[i+8], 'EX', ttl)
      local base = whd(tag, pr, wh)
      redis.call('ZADD', base, at, id)
      if st == 'delivered' then
        recordCreated(pr, wh, id, at)
      else
        if st ~= 'pending' then redis.call('ZADD', base .. ':' .. st, at, id) end
        recordCreated(pr, wh)
      end
    end
  end
end
xdel(KEYS[1], done)
trimCreated(tag, maxCount, minScore)
return 'OK'
