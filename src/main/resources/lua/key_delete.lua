-- Removes an API key and publishes the change.
-- KEYS[1]  project's keys hash
-- ARGV     keyId, changes channel, change message
-- Returns  'OK' or 'NOTFOUND'
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 'NOTFOUND' end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 'OK'
