-- Creates a webhook unless its project is gone, the ID is taken or the project holds its quota; bumps
-- the project's webhook version and publishes the change.
-- KEYS[1]  project hash   KEYS[2]  project's webhooks zset   KEYS[3]  webhook hash
-- ARGV     createdAt, webhookId, changes channel, change message, quota, then field/value pairs
-- Returns  'OK', 'NOPROJECT', 'EXISTS' or 'LIMIT'
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOPROJECT' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'EXISTS' end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 'LIMIT' end
redis.call('HSET', KEYS[3], unpack(ARGV, 6))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. redis.call('INCR', vk))
return 'OK'
