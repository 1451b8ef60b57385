-- Retention by age: the records created before minScore go, whatever their status, from the webhooks
-- that the partition's 'aged' set (lib/retention.lua) says may have one, oldest first. Each visited
-- webhook's score becomes its index's new head's creation time, or the webhook leaves the set when its
-- index is empty. Run by every replica's maintenance loop, so the records of a webhook that gets no more
-- deliveries go too. At most `limit` records per call, over all webhooks: one call stays short.
-- KEYS[1]  aged
-- ARGV     minScore, limit
-- Returns  1 when records past the retention may be left (the limit was reached): call again; else 0
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local minScore, left = ARGV[1], tonumber(ARGV[2])
while left > 0 do
  local w = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. minScore, 'LIMIT', 0, 1)[1]
  if not w then return 0 end
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  local base = whd(tag, pr, wh)
  local ids = redis.call('ZRANGEBYSCORE', base, '-inf', '(' .. minScore, 'LIMIT', 0, left)
  for _, id in ipairs(ids) do drop(tag, id, pr, wh) end
  left = left - #ids
  local head = redis.call('ZRANGE', base, 0, 0, 'WITHSCORES')
  if head[2] then
    redis.call('ZADD', KEYS[1], head[2], w)
  else
    redis.call('ZREM', KEYS[1], w)
  end
end
return 1
