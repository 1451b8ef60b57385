-- Accepts events: each becomes an entry of the events stream, payload included, until the fan-out
-- moves it into its delivery's record (one delivery) or an event hash (several). Events that have no
-- idempotency key come here only beside one that has: the gateway XADDs them in a MULTI/EXEC
-- (redis/Ingest.java), which costs Redis less than this script. A repeated
-- idempotency key stores nothing new and answers the first event's ID; it rewrites the key unchanged, so
-- that a WAIT after this script (redisWaitReplicas) covers the first event's write too, whichever
-- connection made it.
-- An entry's fields: 'e' (id|pr|nm|at|us|rq: IDs, event names and times hold no '|') and 'pl' when
-- packed (recordLayout 4: 65 fewer bytes per event in the AOF, what Redis's rewrites cost by), else
-- id, pr, nm, us, at, pl, rq, as before (StreamEntry reads both). The gateway sends 'e' as the entry
-- holds it: each argument costs Lua a string of its own, and the concatenation another.
-- KEYS[1]  the partition's events stream
-- ARGV     idempotency TTL (s), project, packed ('1' or '0'), then per event 3 values: e (as above, the
--          project being ARGV[2]), payload, idempotency key ('' for none)
-- Returns  per event that repeats a key: its position (1 for the first event), then the first event's ID
local tag = string.sub(KEYS[1], 1, -7)
local ittl, pr, packed = ARGV[1], ARGV[2], ARGV[3] == '1'
local out = {}
for i = 4, #ARGV, 3 do
  local e = ARGV[i]
  local fresh = true
  if ARGV[i+2] ~= '' then
    local id = string.match(e, '^[^|]*')
    local ik = tag .. 'idem:' .. pr .. ':' .. ARGV[i+2]
    if not redis.call('SET', ik, id, 'NX', 'EX', ittl) then
      fresh = false
      out[#out + 1] = (i - 1) / 3
      out[#out + 1] = redis.call('GET', ik)
      redis.call('SET', ik, out[#out], 'KEEPTTL')
    end
  end
  if fresh and packed then
    redis.call('XADD', KEYS[1], '*', 'e', e, 'pl', ARGV[i+1])
  elseif fresh then
    local id, _, nm, at, us, rq = string.match(e, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
    redis.call('XADD', KEYS[1], '*', 'id', id, 'pr', pr, 'nm', nm, 'us', us, 'at', at, 'pl', ARGV[i+1], 'rq', rq)
  end
end
return out
