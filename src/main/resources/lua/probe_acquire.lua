-- Whether a try of a webhook may go now: always while its circuit is closed; while it is open, only
-- as the one probe at a time, cluster-wide, once the probe is due (a lease with the try's token).
-- KEYS[1]  webhook hash   KEYS[2]  the webhook's probe lease
-- ARGV     token, now, lease (ms), recheck (ms: how soon to ask again while another probe is under way)
-- Returns  {'CLOSED', 0, enabled (1 or 0; 0 also for a webhook gone)}, {'PROBE', 0} (the lease is the
--          token's), or {'WAIT', ms when to ask again}
local h = redis.call('HMGET', KEYS[1], 'circuit', 'probeAt', 'enabled')
if h[1] ~= 'open' then return {'CLOSED', 0, h[3] == '1' and 1 or 0} end
local now, probeAt = tonumber(ARGV[2]), tonumber(h[2] or '0') or 0
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[1] then return {'PROBE', 0} end
if holder then return {'WAIT', math.max(probeAt, now + tonumber(ARGV[4]))} end
if now < probeAt then return {'WAIT', probeAt} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return {'PROBE', 0}
