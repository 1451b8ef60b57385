-- A delivered try: attempts back to 0, published only when it was not 0 already.
-- KEYS[1]  webhook hash
-- ARGV     changes channel, change message
-- Returns  'OK'
local a = redis.call('HGET', KEYS[1], 'attempts')
if a and a ~= '0' then
  redis.call('HSET', KEYS[1], 'attempts', '0')
  local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
  redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. (redis.call('GET', vk) or '0'))
end
return 'OK'
