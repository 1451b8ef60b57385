-- A page of a webhook's archive (lib/archive.lua), newest first: the items created before the cursor
-- (at maxAt, those with an ID below afterId). The list is in creation order (then ID), so the cursor's
-- place is found by bisection, a few LINDEX calls whatever the page's depth.
-- KEYS[1]  the archive's list (whl)
-- ARGV     maxAt ('' for the first page), afterId, limit, project, webhook
-- Returns  up to limit items, newest first, each as two elements: 'at:id', and the record as a key of its
--          own would hold it when the item holds it (recordLayout 4), else false (in the archive's hash)
-- uses: records, indexes, archive
local maxAt, afterId, limit, pr, wh = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local n = redis.call('LLEN', KEYS[1])
-- lo: how many items come before the cursor.
local lo = n
if maxAt then
  local hi
  lo, hi = 0, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local at, id = archived(redis.call('LINDEX', KEYS[1], mid))
    if at < maxAt or (at == maxAt and id < afterId) then lo = mid + 1 else hi = mid end
  end
end
if lo == 0 or limit <= 0 then return {} end
local items = redis.call('LRANGE', KEYS[1], math.max(0, lo - limit), lo - 1)
local out = {}
for i = #items, 1, -1 do
  local at, id, v = itemRecord(items[i], pr, wh)
  out[#out + 1] = at .. ':' .. id
  out[#out + 1] = v or false
end
return out
