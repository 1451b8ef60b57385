-- The statuses of delivery records, for listing by a status that has no index of its own.
-- KEYS[1]  any key of the partition (for its tag)
-- ARGV     delivery IDs
-- Returns  per ID its status, false for a record that is gone
-- uses: records
local tag = string.match(KEYS[1], '^(.-}:)')
local out = {}
for i, id in ipairs(ARGV) do
  out[i] = recordHead(tag .. 'dl:' .. id)[3] or false
end
return out
