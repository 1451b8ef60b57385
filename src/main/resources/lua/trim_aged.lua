-- Retention by age: the records created before minScore go, whatever their status, from the webhooks
-- that the partition's 'aged' set (lib/retention.lua) says may have one, oldest first: from the index,
-- then from the archive (lib/archive.lua). Each visited webhook's score becomes its oldest remaining
-- record's creation time, or the webhook leaves the set when it has none. Run by every replica's
-- maintenance loop, so the records of a webhook that gets no more deliveries go too. At most `limit`
-- records per call, over all webhooks: one call stays short.
-- KEYS[1]  aged
-- ARGV     minScore, limit
-- Returns  1 when records past the retention may be left (the limit was reached): call again; else 0
-- uses: records, indexes, archive
local tag = string.sub(KEYS[1], 1, -5)
local minScore, left = ARGV[1], tonumber(ARGV[2])
while left > 0 do
  local w = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. minScore, 'LIMIT', 0, 1)[1]
  if not w then return 0 end
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  local ids = redis.call('ZRANGEBYSCORE', whd(tag, pr, wh), '-inf', '(' .. minScore, 'LIMIT', 0, left)
  for _, id in ipairs(ids) do drop(tag, id, pr, wh) end
  left = left - #ids
  if left > 0 then left = left - archivePopBefore(tag, pr, wh, minScore, false, left) end
  local at = headAt(tag, pr, wh)
  if at then
    redis.call('ZADD', KEYS[1], string.format('%.0f', at), w)
  else
    redis.call('ZREM', KEYS[1], w)
  end
end
return 1
