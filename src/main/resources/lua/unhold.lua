-- Sends a webhook's held deliveries out again, oldest first (its circuit closed: all of them, in
-- chunks; or one, as the circuit's probe, carrying the probe's lease token).
-- KEYS[1]  deliveries stream
-- ARGV     project, webhook, now, limit, probe token ('' for a plain drain)
-- Returns  how many moved: call again while it equals limit
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -11)
local pr, wh, now, token = ARGV[1], ARGV[2], ARGV[3], ARGV[5]
local held = whd(tag, pr, wh) .. ':held'
local ids = redis.call('ZRANGE', held, 0, tonumber(ARGV[4]) - 1)
for _, id in ipairs(ids) do
  local k = tag .. 'dl:' .. id
  local h = readRecord(k)
  if h then
    h.st, h.nx, h.up = 'pending', 0, now
    writeRecord(k, h)
    move(tag, id, pr, wh, 'held', 'pending', h.at)
    if token == '' then
      enqueue(tag, KEYS[1], id, wh, h.ev, pr, h.s or 0)
    else
      enqueueProbe(tag, KEYS[1], id, wh, h.ev, pr, token)
    end
  else
    redis.call('ZREM', held, id)
  end
end
return #ids
