-- Creates a project and publishes the change.
-- KEYS[1]  project hash
-- ARGV     projectId, name, createdAt, changes channel, change message
-- Returns  'OK' or 'EXISTS'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'EXISTS' end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'createdAt', ARGV[3], 'updatedAt', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 'OK'
