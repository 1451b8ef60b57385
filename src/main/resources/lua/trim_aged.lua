-- Retention by age: the records created before minScore go, whatever their status, from the webhooks
-- that the partition's 'aged' set (lib/retention.lua) says may have one. Each visited webhook's score
-- becomes its index's new head's creation time, or the webhook leaves the set when its index is empty.
-- Run by every replica's maintenance loop, so the records of a webhook that gets no more deliveries go
-- too.
-- KEYS[1]  aged
-- ARGV     minScore, webhooks (at most this many visited per call), limit (records per webhook and call)
-- Returns  the webhooks visited: call again while that is `webhooks`
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local minScore, limit = ARGV[1], tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. minScore, 'LIMIT', 0, tonumber(ARGV[2]))
for _, w in ipairs(due) do
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  local base = whd(tag, pr, wh)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', base, '-inf', '(' .. minScore, 'LIMIT', 0, limit)) do
    drop(tag, id, pr, wh)
  end
  local head = redis.call('ZRANGE', base, 0, 0, 'WITHSCORES')
  if head[2] then
    redis.call('ZADD', KEYS[1], head[2], w)
  else
    redis.call('ZREM', KEYS[1], w)
  end
end
return #due
