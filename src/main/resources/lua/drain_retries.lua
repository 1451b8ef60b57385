-- Moves due retries into the deliveries stream, each once (pending again).
-- KEYS[1]  retries   KEYS[2]  deliveries stream
-- ARGV     now, limit
-- Returns  how many moved
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -8)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local k = tag .. 'dl:' .. id
  local h = readRecord(k)
  if h then
    enqueue(tag, KEYS[2], id, h.wh, h.ev, h.pr, h.s or 0)
    if h.st ~= 'pending' then
      local old = h.st
      h.st, h.nx, h.up = 'pending', 0, ARGV[1]
      writeRecord(k, h)
      move(tag, id, h.pr, h.wh, old, 'pending', h.at)
    end
  end
end
return #due
