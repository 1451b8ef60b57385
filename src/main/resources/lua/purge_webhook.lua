-- Removes the records of a deleted webhook created up to deletedAt (a webhook made again under the same
-- ID keeps its own), with their index entries and their events' references; in-flight stream entries
-- then find no record and are dropped.
-- KEYS[1]  deliveries stream (for the partition's tag)
-- ARGV     project, webhook, limit (per index), deletedAt
-- Returns  how many records went: call again until 0 (then the webhook leaves 'aged' if its index is empty)
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -11)
local pr, wh, limit, before = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local base = whd(tag, pr, wh)
local indexes = {base, tag .. 'parked:' .. pr .. ':' .. wh}
for _, s in ipairs(statuses) do indexes[#indexes + 1] = base .. ':' .. s end
local count = 0
for _, key in ipairs(indexes) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', before, 'LIMIT', 0, limit)) do
    drop(tag, id, pr, wh)
    redis.call('ZREM', key, id)
    count = count + 1
  end
  if count >= limit then return count end
end
if count == 0 and redis.call('EXISTS', base) == 0 then redis.call('ZREM', tag .. 'aged', pr .. ':' .. wh) end
return count
