-- Which webhooks of the partition have held records: a page of the 'open' set (every webhook with held
-- records is in it, see lib/indexes.lua) kept to those whose held index is not empty. The circuits'
-- check sends out what is held for a webhook whose circuit is closed (a hold decided on a stale view).
-- Members left with no retrying, parked or held record leave the set (and their delivered index goes),
-- as the fan-out's trimCreated does for the webhooks it records: those of webhooks that get no more
-- deliveries, or were deleted, would otherwise stay.
-- KEYS[1]  open
-- ARGV     SSCAN cursor ('0' to start), members to examine
-- Returns  the next cursor ('0': the walk is done), then pr:wh of each webhook with held records
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local page = redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
local found = {page[1]}
for _, w in ipairs(page[2]) do
  local base = tag .. 'whd:' .. w
  if redis.call('EXISTS', base .. ':held') == 1 then
    found[#found + 1] = w
  elseif not hasOpen(base) then
    unmarkOpen(tag, w, base)
  end
end
return found
