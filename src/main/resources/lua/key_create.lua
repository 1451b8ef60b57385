-- Adds an API key (its JSON, with the secret's hash only) to a project and publishes the change.
-- KEYS[1]  project hash   KEYS[2]  project's keys hash
-- ARGV     keyId, key JSON, changes channel, change message
-- Returns  'OK' or 'NOPROJECT'
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOPROJECT' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 'OK'
