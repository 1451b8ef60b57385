-- Writes a webhook's fields; resetAttempts '1' also sets attempts to 0 (a PUT with enabled = true, as
-- Appwrite) and starts its failure state afresh (no streak, circuit closed). Bumps the project's webhook
-- version and publishes the change.
-- KEYS[1]  webhook hash
-- ARGV     changes channel, change message, resetAttempts, then field/value pairs
-- Returns  the webhook's fields (HGETALL), or 'NOTFOUND'
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOTFOUND' end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'attempts', '0', 'failingSince', '0', 'circuit', '', 'probes', 0)
end
local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. redis.call('INCR', vk))
return redis.call('HGETALL', KEYS[1])
