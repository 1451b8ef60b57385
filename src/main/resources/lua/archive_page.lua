-- A page of a webhook's archive (lib/archive.lua), newest first by creation time (then ID): the items created
-- before the cursor (at maxAt, those with an ID below afterId). The list is in order of its items' keys,
-- each its record's creation time or, for one shifted behind a newer record (recordLayout 5), at most
-- ARCHIVE_SHIFT after it: the read starts where the keys pass the cursor by ARCHIVE_SHIFT (found by
-- bisection, a few LINDEX calls whatever the page's depth) and goes back until it has limit items and the
-- keys are below the oldest of them; what it read is then sorted by creation time.
-- KEYS[1]  the archive's list (whl)
-- ARGV     maxAt ('' for the first page), afterId, limit, project, webhook
-- Returns  up to limit items, newest first, each as two elements: 'at:id' (its creation time), and the record
--          as a key of its own would hold it when the item holds it (recordLayout 4), else false (in the
--          archive's hash)
-- uses: records, indexes, archive
local maxAt, afterId, limit, pr, wh = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local n = redis.call('LLEN', KEYS[1])
-- hi: how many items may hold records created before the cursor (those after it have keys past it by more
-- than ARCHIVE_SHIFT).
local hi = n
if maxAt then
  local lo, bound = 0, maxAt + ARCHIVE_SHIFT
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if archived(redis.call('LINDEX', KEYS[1], mid)) <= bound then lo = mid + 1 else hi = mid end
  end
end
if hi == 0 or limit <= 0 then return {} end
-- found: the items before the cursor, each {creation time, ID, item}; floor: once there are limit of them,
-- the oldest creation time among the newest limit (an item with a key below it cannot be in the page).
local found, floor, pos = {}, nil, hi
local function newer(x, y) return x[1] > y[1] or (x[1] == y[1] and x[2] > y[2]) end
while pos > 0 do
  local from = math.max(0, pos - limit - 16)
  local chunk = redis.call('LRANGE', KEYS[1], from, pos - 1)
  for j = #chunk, 1, -1 do
    local item = chunk[j]
    if floor and archived(item) < floor then
      pos = 0
      break
    end
    local at, id = itemCreated(item)
    if not maxAt or at < maxAt or (at == maxAt and id < afterId) then found[#found + 1] = {at, id, item} end
  end
  if pos > 0 then
    pos = from
    if not floor and #found >= limit then
      table.sort(found, newer)
      floor = found[limit][1]
      -- The chunk's first item has the lowest key read: below the floor, nothing before it counts.
      if archived(chunk[1]) < floor then pos = 0 end
    end
  end
end
table.sort(found, newer)
local out = {}
for i = 1, math.min(limit, #found) do
  local _, _, v = itemRecord(found[i][3], pr, wh)
  out[#out + 1] = string.format('%.0f', found[i][1]) .. ':' .. found[i][2]
  out[#out + 1] = v or false
end
return out
