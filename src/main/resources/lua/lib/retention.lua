-- Retention: trimming a webhook's records by age and by count, once per webhook and call. Needs records
-- and indexes.
-- headOf a whole record value, plus whether its removal must delete a tries list besides the record
-- (h.tries): only when it made more than one try (the list holds the older ones). A DEL goes to the AOF
-- with every name given, those that did not exist too, and AOF bytes are what makes Redis rewrite it.
local function finishedHeadOf(v)
  local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
  -- Not a record: removed one by one (dropRecord), which clears every index.
  if not p then return {} end
  local head = string.sub(v, p, (string.find(v, '\n', p, true) or 0) - 1)
  local n = tonumber(string.match(head, '"n":"(%d+)"'))
  return {pr, wh, st, ev, so ~= '' and so, tries = not n or n > 1}
end
-- dropRecord for finished (delivered, failed or skipped) records of one webhook, the heads of its index, with
-- their heads hs (recordHead's, or finishedHeadOf's): one ZREM from the index and one DEL for all of them
-- instead of one of each per record.
local function dropFinished(tag, ids, pr, wh, hs, deliveredIndex)
  local base = whd(tag, pr, wh)
  local keys = {}
  for i, id in ipairs(ids) do
    local h = hs[i]
    local k = tag .. 'dl:' .. id
    local st = h[3]
    if st ~= 'delivered' or deliveredIndex ~= false then redis.call('ZREM', base .. ':' .. st, id) end
    if h[4] and not h[5] then
      local ek = evKey(tag, pr, h[4])
      if redis.call('HINCRBY', ek, 'refs', -1) <= 0 then keys[#keys + 1] = ek end
    end
    keys[#keys + 1] = k
    if h.tries ~= false then keys[#keys + 1] = k .. ':tries' end
  end
  callEach('ZREM', {base}, ids)
  callEach('DEL', {}, keys)
end
-- Retention: records older than minScore go, then the oldest finished ones (delivered or
-- failed) while the webhook has more than maxCount. Trimming by count starts once the webhook is
-- `slack` records over maxCount (maxCount / 16, from 1 to 256), and then goes down to maxCount: the
-- records go in batches (one read, one ZREM and one DEL for many) instead of one at a time with
-- three calls each, the dearest part of retention. At most `limit` per call: the fan-out calls it
-- once per webhook and batch, with a limit of the batch's new deliveries for that webhook plus
-- slack plus 10. Usually the oldest records are finished and go straight from the head of the
-- webhook's index; from the first unfinished one on, the heads of the delivered and failed indexes
-- are merged, so that unfinished ones ahead do not hide finished ones behind them. (The delivered
-- index holds the records delivered while the webhook had retrying or parked ones, see move: those
-- behind a pending record, which is short-lived, wait until it finishes.)
local function trim(tag, pr, wh, maxCount, minScore, limit, indexed, slack)
  local base = whd(tag, pr, wh)
  local over = redis.call('ZCARD', base) - maxCount
  local oldest = redis.call('ZRANGE', base, 0, 0, 'WITHSCORES')
  if oldest[2] and tonumber(oldest[2]) < tonumber(minScore) then
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', base, '-inf', '(' .. minScore, 'LIMIT', 0, limit)) do
      drop(tag, id, pr, wh)
    end
    over = redis.call('ZCARD', base) - maxCount
  elseif over < slack then
    return
  end
  over = math.min(over, limit)
  if over <= 0 then return end
  local head = redis.call('ZRANGE', base, 0, over - 1)
  local keys = {}
  for i, id in ipairs(head) do keys[i] = tag .. 'dl:' .. id end
  -- MGET answers false for a record that is gone (expired).
  local values = {}
  for j = 1, #keys, 1000 do
    local part = redis.call('MGET', unpack(keys, j, math.min(j + 999, #keys)))
    for x = 1, #part do values[j + x - 1] = part[x] end
  end
  local ids, hs = {}, {}
  for i, id in ipairs(head) do
    local h = values[i] and finishedHeadOf(values[i]) or {}
    if h[3] and h[3] ~= 'delivered' and h[3] ~= 'failed' and h[3] ~= 'skipped' then break end
    if h[3] then
      ids[#ids + 1] = id
      hs[#hs + 1] = h
    else
      -- Gone already (expired) or unreadable: the one-by-one removal, which clears every index.
      dropRecord(tag, id, pr, wh, h, indexed)
    end
    over = over - 1
  end
  if #ids > 0 then dropFinished(tag, ids, pr, wh, hs, indexed) end
  if over <= 0 then return end
  local d = redis.call('ZRANGE', base .. ':delivered', 0, over - 1, 'WITHSCORES')
  local f = redis.call('ZRANGE', base .. ':failed', 0, over - 1, 'WITHSCORES')
  local di, fi = 1, 1
  while over > 0 do
    local id
    if d[di] and (not f[fi] or tonumber(d[di + 1]) <= tonumber(f[fi + 1])) then
      id = d[di]
      di = di + 2
    elseif f[fi] then
      id = f[fi]
      fi = fi + 2
    else
      break
    end
    drop(tag, id, pr, wh)
    over = over - 1
  end
end
-- The webhooks that got new records in this call, in order, with how many and which of them are
-- delivered already (id and creation time): trimmed once each at the end of the call (trimCreated),
-- not once per record, and the delivered ones indexed there if the webhook has unfinished records.
local created, createdOrder = {}, {}
local function recordCreated(pr, wh, deliveredId, at)
  local w = pr .. ':' .. wh
  local c = created[w]
  if not c then
    c = {n = 0, pr = pr, wh = wh, delivered = {}}
    created[w] = c
    createdOrder[#createdOrder + 1] = c
  end
  c.n = c.n + 1
  if deliveredId then
    c.delivered[#c.delivered + 1] = at
    c.delivered[#c.delivered + 1] = deliveredId
  end
end
local function trimCreated(tag, maxCount, minScore)
  if #createdOrder == 0 then return end
  local names = {}
  for i, c in ipairs(createdOrder) do names[i] = c.pr .. ':' .. c.wh end
  local open = {}
  for j = 1, #names, 1000 do
    for _, v in ipairs(redis.call('SMISMEMBER', tag .. 'open', unpack(names, j, math.min(j + 999, #names)))) do
      open[#open + 1] = v
    end
  end
  for i, c in ipairs(createdOrder) do
    local base = whd(tag, c.pr, c.wh)
    -- false: the webhook has no delivered index, so dropping its delivered records needs no ZREM.
    local indexed = false
    if open[i] == 1 then
      if hasOpen(base) then
        callEach('ZADD', {base .. ':delivered'}, c.delivered)
        indexed = nil
      else
        redis.call('SREM', tag .. 'open', names[i])
        redis.call('DEL', base .. ':delivered')
      end
    end
    local slack = math.min(256, math.max(1, math.floor(maxCount / 16)))
    trim(tag, c.pr, c.wh, maxCount, minScore, c.n + slack + 10, indexed, slack)
  end
end
