-- Deletes a webhook; bumps the project's webhook version and publishes the change.
-- KEYS[1]  webhook hash   KEYS[2]  project's webhooks zset
-- ARGV     webhookId, changes channel, change message
-- Returns  'OK' or 'NOTFOUND'
if redis.call('DEL', KEYS[1]) == 0 then return 'NOTFOUND' end
redis.call('ZREM', KEYS[2], ARGV[1])
local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. redis.call('INCR', vk))
return 'OK'
