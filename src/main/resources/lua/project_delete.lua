-- Deletes a project with its keys, webhooks, version and rate bucket (all share its hash tag) and
-- publishes the change.
-- KEYS[1]  project hash   KEYS[2]  keys hash   KEYS[3]  webhooks zset   KEYS[4]  operational webhooks zset
-- ARGV     webhook key prefix, changes channel, change message
-- Returns  'OK' or 'NOTFOUND'
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOTFOUND' end
for _, listing in ipairs({KEYS[3], KEYS[4]}) do
  for _, id in ipairs(redis.call('ZRANGE', listing, 0, -1)) do redis.call('DEL', ARGV[1] .. id) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local tag = string.match(KEYS[1], '^(.-}:)')
redis.call('DEL', tag .. 'version', tag .. 'rate')
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 'OK'
