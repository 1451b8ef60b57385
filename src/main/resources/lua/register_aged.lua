-- Puts the given webhooks that have records in the partition into 'aged' (lib/retention.lua) at their
-- index's head's creation time, or lowers their score to it. The maintenance loop walks every webhook it
-- knows through this, a batch at a time: indexes that started before the set existed, or on a replica of
-- the version before it (a rolling update), join it within one walk.
-- KEYS[1]  aged
-- ARGV     pr:wh of each webhook
-- Returns  how many were added
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local added = 0
for _, w in ipairs(ARGV) do
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  added = added + agedAtHead(tag, pr, wh)
end
return added
