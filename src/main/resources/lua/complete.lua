-- Records the outcome of tries and acknowledges their deliveries-stream entries (XACK == 1 only).
-- Outcomes: D delivered, R retry at nextAt, F failed for good, P parked (webhook disabled), W wait
-- (webhook at its in-flight cap, or its circuit open: back at nextAt, no try counted), H held (its
-- webhook's circuit is open: kept until it closes), Q requeue now (shutdown), X drop the record
-- (webhook or event gone).
-- KEYS[1]  deliveries stream   KEYS[2]  retries
-- ARGV     group, now, ttl (s) of a tries list, then per entry: entryId, deliveryId, outcome, nextAt,
--          tryJson ('' for none)
-- Returns  'OK'
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -11)
local group, now, ttl = ARGV[1], ARGV[2], ARGV[3]
local done = {}
for i = 4, #ARGV, 5 do
  local entry, id, outcome, nextAt, try = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  if redis.call('XACK', KEYS[1], group, entry) == 1 then
    done[#done + 1] = entry
    local k = tag .. 'dl:' .. id
    if outcome == 'X' then
      drop(tag, id)
    elseif outcome == 'W' and try == '' then
      -- Back later, nothing else changes (a deferred try, often repeated): the prefix says the record exists.
      if recordHead(k)[3] then redis.call('ZADD', KEYS[2], nextAt, id) end
    else
      local h = readRecord(k)
      if h then
        local pr, wh, st, at = h.pr, h.wh, h.st, h.at
        local dirty = true
        if outcome == 'D' then
          h.st, h.up, h.nx = 'delivered', now, 0
          move(tag, id, pr, wh, st, 'delivered', at)
        elseif outcome == 'F' then
          h.st, h.up, h.nx = 'failed', now, 0
          move(tag, id, pr, wh, st, 'failed', at)
        elseif outcome == 'R' then
          h.st, h.up, h.nx, h.s = 'retrying', now, nextAt, tonumber(h.s or 0) + 1
          move(tag, id, pr, wh, st, 'retrying', at)
          redis.call('ZADD', KEYS[2], nextAt, id)
        elseif outcome == 'P' then
          h.st, h.up, h.nx = 'parked', now, 0
          move(tag, id, pr, wh, st, 'parked', at)
          redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, at, id)
        elseif outcome == 'H' then
          h.st, h.up, h.nx = 'held', now, 0
          move(tag, id, pr, wh, st, 'held', at)
        elseif outcome == 'W' then
          redis.call('ZADD', KEYS[2], nextAt, id)
          dirty = false
        elseif outcome == 'Q' then
          enqueue(tag, KEYS[1], id, wh, h.ev, pr, h.s or 0)
          dirty = false
        end
        if try ~= '' then
          -- The newest try lives in the record (t), older ones in the list, newest first.
          local n = tonumber(h.n or 0)
          if n > 0 and h.t then
            local tk = k .. ':tries'
            redis.call('LPUSH', tk, h.t)
            redis.call('LTRIM', tk, 0, 48)
            redis.call('EXPIRE', tk, ttl)
          end
          h.n, h.t = n + 1, try
          dirty = true
        end
        if dirty then writeRecord(k, h) end
      end
    end
  end
end
xdel(KEYS[1], done)
return 'OK'
