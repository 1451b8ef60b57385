-- One failed try: attempts + 1, logs replaced, disabled at the limit. Publishes only when other
-- replicas must know (the first failure after a success, or disabling), so a dead endpoint does not
-- make every replica reload it on every try.
-- KEYS[1]  webhook hash
-- ARGV     logs, maxAttempts, changes channel, change message
-- Returns  {attempts, enabled ('1'/'0'), 1 when this call disabled it}, nil when the webhook is gone
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'logs', ARGV[1])
local enabled = redis.call('HGET', KEYS[1], 'enabled')
local disabledNow = 0
local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
if attempts >= tonumber(ARGV[2]) and enabled == '1' then
  redis.call('HSET', KEYS[1], 'enabled', '0')
  enabled = '0'
  disabledNow = 1
  redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. redis.call('INCR', vk))
elseif attempts == 1 then
  redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. (redis.call('GET', vk) or '0'))
end
return {attempts, enabled, disabledNow}
