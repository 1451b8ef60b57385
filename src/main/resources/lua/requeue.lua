-- Sends deliveries again now, with a fresh retry schedule (manual retry, recover); an archived one
-- (lib/archive.lua) becomes a key of its own again. IDs of other webhooks, unknown ones and ones already
-- pending are skipped.
-- KEYS[1]  deliveries stream
-- ARGV     project, webhook, now, then delivery IDs
-- Returns  how many were requeued
-- uses: records, indexes, archive
local tag = string.sub(KEYS[1], 1, -11)
local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
local count = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local k = tag .. 'dl:' .. id
  local h = readRecord(k)
  if not h then
    -- In its webhook's archive: back to a key of its own first.
    local v, item = archiveLookup(whl(tag, pr, wh), wha(tag, pr, wh), id, pr, wh)
    if v then
      h = decodeRecord(v)
      if not unarchive(tag, pr, wh, id, h, item) then h = nil end
    end
  end
  if h and h.pr == pr and h.wh == wh and h.st ~= 'pending' then
    redis.call('ZREM', tag .. 'retries', id)
    redis.call('ZREM', tag .. 'parked:' .. pr .. ':' .. wh, id)
    local old = h.st
    h.st, h.s, h.nx, h.up = 'pending', 0, 0, now
    writeRecord(k, h)
    move(tag, id, pr, wh, old, 'pending', h.at)
    enqueue(tag, KEYS[1], id, wh, h.ev, pr, 0)
    count = count + 1
  end
end
return count
