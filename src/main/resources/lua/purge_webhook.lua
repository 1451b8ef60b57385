-- Removes the records of a deleted webhook created up to deletedAt (a webhook made again under the same
-- ID keeps its own), with their index entries and their events' references, and its archive's
-- (lib/archive.lua); in-flight stream entries then find no record and are dropped.
-- KEYS[1]  deliveries stream (for the partition's tag)
-- ARGV     project, webhook, limit (per index), deletedAt
-- Returns  how many records went: call again until 0. The webhook leaves 'aged' once it has none;
--          until then each call puts it there at its index's head (ZADD LT): records have no TTL, so what a
--          purge cut short leaves behind goes by retention by age (trim_aged.lua), even for an index that
--          started before the set existed.
-- uses: records, indexes, archive
local tag = string.sub(KEYS[1], 1, -11)
local pr, wh, limit, before = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local base = whd(tag, pr, wh)
agedAtHead(tag, pr, wh)
local indexes = {base, tag .. 'parked:' .. pr .. ':' .. wh}
for _, s in ipairs(statuses) do indexes[#indexes + 1] = base .. ':' .. s end
local count = 0
for _, key in ipairs(indexes) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', before, 'LIMIT', 0, limit)) do
    drop(tag, id, pr, wh)
    redis.call('ZREM', key, id)
    count = count + 1
  end
  if count >= limit then break end
end
if count < limit then count = count + archivePopBefore(tag, pr, wh, before, true, limit - count) end
if not headAt(tag, pr, wh) then
  redis.call('ZREM', tag .. 'aged', pr .. ':' .. wh)
  redis.call('HDEL', tails(tag), pr .. ':' .. wh)
end
return count
