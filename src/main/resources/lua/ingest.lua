-- Accepts events: each becomes an entry of the events stream, payload included, until the fan-out
-- moves it into its delivery's record (one delivery) or an event hash (several). A repeated
-- idempotency key stores nothing new and answers the first event's ID; it rewrites the key unchanged, so
-- that a WAIT after this script (redisWaitReplicas) covers the first event's write too, whichever
-- connection made it.
-- An entry's fields: 'e' (id|pr|nm|at|us|rq: IDs, event names and times hold no '|') and 'pl' when
-- packed (recordLayout 4: 65 fewer bytes per event in the AOF, what Redis's rewrites cost by), else
-- id, pr, nm, us, at, pl, rq, as before (StreamEntry reads both).
-- KEYS[1]  the partition's events stream
-- ARGV     idempotency TTL (s), project, packed ('1' or '0'), then per event 7 values: id, name, user,
--          acceptedAt, payload, idempotency key ('' for none), request ID
-- Returns  per event: its effective ID, then 1 (stored now) or 0 (a repeat)
local tag = string.sub(KEYS[1], 1, -7)
local ittl, pr, packed = ARGV[1], ARGV[2], ARGV[3] == '1'
local out = {}
for i = 4, #ARGV, 7 do
  local id = ARGV[i]
  local fresh = true
  if ARGV[i+5] ~= '' then
    local ik = tag .. 'idem:' .. pr .. ':' .. ARGV[i+5]
    if not redis.call('SET', ik, id, 'NX', 'EX', ittl) then
      id = redis.call('GET', ik)
      fresh = false
      redis.call('SET', ik, id, 'KEEPTTL')
    end
  end
  if fresh and packed then
    redis.call('XADD', KEYS[1], '*', 'e', id .. '|' .. pr .. '|' .. ARGV[i+1] .. '|' .. ARGV[i+3] .. '|' .. ARGV[i+2]
      .. '|' .. ARGV[i+6], 'pl', ARGV[i+4])
  elseif fresh then
    redis.call('XADD', KEYS[1], '*', 'id', id, 'pr', pr, 'nm', ARGV[i+1], 'us', ARGV[i+2], 'at', ARGV[i+3],
      'pl', ARGV[i+4], 'rq', ARGV[i+6])
  end
  out[#out + 1] = id
  out[#out + 1] = fresh and 1 or 0
end
return out
