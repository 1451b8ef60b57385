-- Parks a webhook's retrying deliveries (it was just disabled).
-- KEYS[1]  retries (for the partition's tag)
-- ARGV     project, webhook, now
-- Returns  how many were parked
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -8)
local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
local ids = redis.call('ZRANGE', whd(tag, pr, wh) .. ':retrying', 0, -1)
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local k = tag .. 'dl:' .. id
  local h = readRecord(k)
  if h then
    h.st, h.nx, h.up = 'parked', 0, now
    writeRecord(k, h)
    move(tag, id, pr, wh, 'retrying', 'parked', h.at)
    redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, h.at, id)
  end
end
return #ids
