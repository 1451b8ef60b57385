-- A delivered try: attempts and failingSince back to 0 and the circuit closed, published only when
-- something changed. A probe's lease is released.
-- KEYS[1]  webhook hash   KEYS[2]  the webhook's probe lease
-- ARGV     probe token ('' when this try was no probe), changes channel, change message
-- Returns  1 when this call closed the circuit, else 0
local h = redis.call('HMGET', KEYS[1], 'attempts', 'circuit')
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if (h[1] and h[1] ~= '0') or h[2] == 'open' then
  redis.call('HSET', KEYS[1], 'attempts', '0', 'failingSince', '0', 'circuit', '', 'probes', 0)
  local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
  redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. (redis.call('GET', vk) or '0'))
end
return h[2] == 'open' and 1 or 0
