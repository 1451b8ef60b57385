-- Migration to layout 2 (QueueKeys.layout): the given webhooks that have records in the partition go
-- into 'aged' (lib/retention.lua) with their index's head's creation time, as if their index had started
-- under this layout. Indexes that started before it are otherwise unknown to retention by age.
-- KEYS[1]  aged
-- ARGV     pr:wh of each webhook
-- Returns  how many were added
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local added = 0
for _, w in ipairs(ARGV) do
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  local head = redis.call('ZRANGE', whd(tag, pr, wh), 0, 0, 'WITHSCORES')
  if head[2] then added = added + redis.call('ZADD', KEYS[1], 'LT', head[2], w) end
end
return added
