-- Requeues a webhook's parked deliveries, oldest first, with a fresh retry schedule (re-enabled).
-- KEYS[1]  deliveries stream
-- ARGV     project, webhook, now, limit
-- Returns  how many moved: call again while it equals limit
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -11)
local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
local pk = tag .. 'parked:' .. pr .. ':' .. wh
local ids = redis.call('ZRANGE', pk, 0, tonumber(ARGV[4]) - 1)
for _, id in ipairs(ids) do
  redis.call('ZREM', pk, id)
  local k = tag .. 'dl:' .. id
  local h = readRecord(k)
  if h then
    local old = h.st
    h.st, h.s, h.nx, h.up = 'pending', 0, 0, now
    writeRecord(k, h)
    move(tag, id, pr, wh, old, 'pending', h.at)
    enqueue(tag, KEYS[1], id, wh, h.ev, pr, 0)
  end
end
return #ids
