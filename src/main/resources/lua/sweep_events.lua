-- Puts back the events a replica read but never finished (it died): reads of the events stream take no
-- pending-entries list (NOACK), and an entry leaves the stream only when its fan-out is recorded. Every
-- call notes the group's last-delivered ID with the time (a snapshot, at most one per step ms); entries
-- still in the stream up to a snapshot at least idleMs old were handed out that long ago and are left
-- over. They are added again at the stream's end (same fields, new IDs) for any replica to read, and
-- deleted, their old IDs noted in KEYS[3] (kept keepMs): a replica that was only slow finds its entry
-- among them (takeEntries) and records nothing, and one that dies again leaves the new entry to a later
-- sweep.
-- KEYS[1]  events stream   KEYS[2]  the snapshots (list of "id at", oldest first)
-- KEYS[3]  the entries put back (zset: old ID by the time it was put back)
-- ARGV     group, now (epoch ms), idleMs, step (ms), count (most entries put back per call), keepMs,
--          packed ('0': an entry whose event is packed in one field e goes back with its fields each their
--          own, for a replica of a version before recordLayout 4 sharing the Redis, see RecordLayout)
-- Returns  how many entries were put back
local group, now, idle, step, count = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]),
  tonumber(ARGV[5])
local NAMES = {'id', 'pr', 'nm', 'at', 'us', 'rq'}
-- An entry's fields with e (id|pr|nm|at|us|rq, the last taking the rest: lua/ingest.lua) split.
local function unpacked(f)
  local out = {}
  for i = 1, #f, 2 do
    if f[i] == 'e' then
      local from = 1
      for k = 1, #NAMES do
        local bar = k < #NAMES and string.find(f[i + 1], '|', from, true)
        out[#out + 1] = NAMES[k]
        out[#out + 1] = string.sub(f[i + 1], from, bar and bar - 1 or -1)
        if not bar then break end
        from = bar + 1
      end
    else
      out[#out + 1] = f[i]
      out[#out + 1] = f[i + 1]
    end
  end
  return out
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[6])))
local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
if type(groups) ~= 'table' or groups.err then return 0 end
local last
for _, g in ipairs(groups) do
  local name, id
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then id = g[i + 1] end
  end
  if name == group then last = id end
end
if not last then return 0 end
-- The newest snapshot old enough bounds the left-over entries; older ones are covered by it.
local bound
local snaps = redis.call('LRANGE', KEYS[2], 0, -1)
local due = 0
for i, s in ipairs(snaps) do
  local id, at = string.match(s, '^(%S+) (%d+)$')
  if at and now - tonumber(at) >= idle then
    bound = id
    due = i
  end
end
local moved = 0
if bound then
  local entries = redis.call('XRANGE', KEYS[1], '-', bound, 'COUNT', count)
  for _, e in ipairs(entries) do
    redis.call('XADD', KEYS[1], '*', unpack(ARGV[7] == '0' and unpacked(e[2]) or e[2]))
    redis.call('XDEL', KEYS[1], e[1])
    redis.call('ZADD', KEYS[3], now, e[1])
  end
  moved = #entries
  -- Done with the snapshots up to the bound, unless entries up to it are left for the next call.
  if moved < count then
    redis.call('LTRIM', KEYS[2], due, -1)
  elseif due > 1 then
    redis.call('LTRIM', KEYS[2], due - 1, -1)
  end
end
local newest = redis.call('LINDEX', KEYS[2], -1)
local newestAt = newest and tonumber(string.match(newest, ' (%d+)$'))
if not newestAt or now - newestAt >= step then
  redis.call('RPUSH', KEYS[2], last .. ' ' .. now)
  redis.call('LTRIM', KEYS[2], -64, -1)
end
return moved
