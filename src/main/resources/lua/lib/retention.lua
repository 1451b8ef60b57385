-- Retention: trimming a webhook's records by count, once per webhook and call (by age: trim_aged.lua).
-- Needs records and indexes.
-- headOf a whole record value, plus whether its removal must delete a tries list besides the record
-- (h.tries): only when it made more than one try (the list holds the older ones). A DEL goes to the AOF
-- with every name given, those that did not exist too, and AOF bytes are what makes Redis rewrite it.
local function finishedHeadOf(v)
  local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
  -- Not a record: removed one by one (dropRecord), which clears every index.
  if not p then return {} end
  local head = string.sub(v, p, (string.find(v, '\n', p, true) or 0) - 1)
  -- n is the header array's fourth element (a header that is an object is the layout before).
  local n
  if string.byte(head, 1) == 91 then
    n = tonumber(string.match(head, '^%["[^"]*","[^"]*","[^"]*","(%d+)"'))
  else
    n = tonumber(string.match(head, '"n":"(%d+)"'))
  end
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
-- The partition's sorted set 'aged' names (pr:wh) every webhook with records in its index, scored by
-- the creation time of its oldest one or earlier (a lower bound): retention by age (trim_aged.lua, run
-- by the maintenance loop) visits only the webhooks whose score is past the retention, and sets the
-- score to the index's head again or removes the webhook when its index is empty. The fan-out's scripts
-- write it only when a webhook's index starts (registerAged) and when they trim it by count (the old
-- head's time is a lower bound of the new head's), not on every call: the age check of every
-- webhook in every call (ZRANGE of the index's head) was an eighth of Redis's time per delivery. (A first
-- try's record, indexed at its creation time once the try is over, can be older than the score by the
-- try's length, and replicas' clocks differ: retention by age is that much late for it.)
local function registerAged(tag, pr, wh, score)
  redis.call('ZADD', tag .. 'aged', 'NX', score, pr .. ':' .. wh)
end
-- Retention by count: the oldest finished records (delivered, failed or skipped) go while the webhook has
-- more than maxCount. Trimming starts once the webhook is `slack` records over maxCount (maxCount / 16,
-- from 1 to 256), and then goes down to maxCount: the records go in batches (one read, one ZREM and one
-- DEL for many) instead of one at a time with three calls each, the dearest part of retention. At most
-- `limit` per call: the fan-out calls it once per webhook and batch, with a limit of the batch's new
-- deliveries for that webhook plus slack plus 10. Usually the oldest records are finished and go straight
-- from the head of the webhook's index; from the first unfinished one on, the heads of the delivered and
-- failed indexes are merged, so that unfinished ones ahead do not hide finished ones behind them. (The
-- delivered index holds the records delivered while the webhook had retrying or parked ones, see move:
-- those behind a pending record, which is short-lived, wait until it finishes.) `added` is how many
-- records the call added to the index and `first` the oldest one's time: an index no larger than that
-- started in this call, and its webhook goes into 'aged'.
-- The slack of retention by count: maxCount / 16, from 1 to 256 records.
local function slackOf(maxCount)
  return math.min(256, math.max(1, math.floor(maxCount / 16)))
end
-- trimIndex removes `over` finished records from the head of the webhook's index and answers how many
-- more it could not (the archive's to give: archiveCreated).
local function trimIndex(tag, pr, wh, over, indexed)
  local base = whd(tag, pr, wh)
  local scored = redis.call('ZRANGE', base, 0, over - 1, 'WITHSCORES')
  local head, keys = {}, {}
  for i = 1, #scored, 2 do
    head[#head + 1] = scored[i]
    keys[#keys + 1] = tag .. 'dl:' .. scored[i]
  end
  -- The webhook may be missing from 'aged' (its index started before the set existed, or on a replica
  -- of the version before): the head's time is a lower bound of whatever stays.
  registerAged(tag, pr, wh, scored[2])
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
  if over <= 0 then return 0 end
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
  return over
end
-- Removes a webhook's `over` oldest finished records by creation time, from its index (trimIndex) and
-- its archive (lib/archive.lua) merged: the archive's items older than the index's head, or the index's
-- records older than the archive's head, in turn. Once the index has only unfinished records ahead
-- (blocked), the rest comes from the archive.
local function trimOldest(tag, pr, wh, over, indexed)
  local base, l, blocked = whd(tag, pr, wh), whl(tag, pr, wh), false
  while over > 0 do
    local first = redis.call('LINDEX', l, 0)
    if not first then
      if not blocked then trimIndex(tag, pr, wh, over, indexed) end
      return
    end
    local at = archived(first)
    local older = blocked and 0 or redis.call('ZCOUNT', base, '-inf', '(' .. string.format('%.0f', at))
    if older > 0 then
      local n = math.min(over, older)
      local left = trimIndex(tag, pr, wh, n, indexed)
      over = over - (n - left)
      if left > 0 then blocked = true end
    else
      local bound = math.huge
      if not blocked then
        local head = redis.call('ZRANGE', base, 0, 0, 'WITHSCORES')
        if head[2] then bound = tonumber(head[2]) end
      end
      local n = archivePopBefore(tag, pr, wh, bound, true, over)
      if n == 0 then return end
      over = over - n
    end
  end
end
-- Retention by count for a webhook that got `added` records in its index in this call (the oldest
-- created at `first`): its index and its archive count together.
local function trim(tag, pr, wh, maxCount, limit, indexed, slack, added, first)
  local count = redis.call('ZCARD', whd(tag, pr, wh))
  if count <= added then registerAged(tag, pr, wh, first) end
  local over = count + redis.call('LLEN', whl(tag, pr, wh)) - maxCount
  if over < slack then return end
  over = math.min(over, limit)
  if over <= 0 then return end
  trimOldest(tag, pr, wh, over, indexed)
end
-- The webhooks that got new records in this call, in order, with how many, the oldest one's creation
-- time and which of them are delivered already (id and creation time): trimmed once each at the end of the call (trimCreated),
-- not once per record, and the delivered ones indexed there if the webhook has unfinished records.
local created, createdOrder = {}, {}
local function recordCreated(pr, wh, at, deliveredId)
  local w = pr .. ':' .. wh
  local c = created[w]
  if not c then
    c = {n = 0, pr = pr, wh = wh, delivered = {}, first = at}
    created[w] = c
    createdOrder[#createdOrder + 1] = c
  end
  c.n = c.n + 1
  if tonumber(at) < tonumber(c.first) then c.first = at end
  if deliveredId then
    c.delivered[#c.delivered + 1] = at
    c.delivered[#c.delivered + 1] = deliveredId
  end
end
local function trimCreated(tag, maxCount)
  if #createdOrder == 0 then return end
  local names = {}
  for i, c in ipairs(createdOrder) do names[i] = c.pr .. ':' .. c.wh end
  local open = callJoined('SMISMEMBER', tag .. 'open', names)
  for i, c in ipairs(createdOrder) do
    local base = whd(tag, c.pr, c.wh)
    -- false: the webhook has no delivered index, so dropping its delivered records needs no ZREM.
    local indexed = false
    if open[i] == 1 then
      if hasOpen(base) then
        callEach('ZADD', {base .. ':delivered'}, c.delivered)
        indexed = nil
      else
        unmarkOpen(tag, names[i], base)
      end
    end
    local slack = slackOf(maxCount)
    trim(tag, c.pr, c.wh, maxCount, c.n + slack + 10, indexed, slack, c.n, c.first)
  end
end
-- The archive (lib/archive.lua, needed before this file by the scripts that use retention): delivered
-- first tries (whose records hold their event, so = 1, and no tries list) are kept aside by archiveLater
-- and written by archiveCreated, before trimCreated, per webhook: into its archive when it is outside
-- 'open' (nothing retrying, parked or held) and they come after the newest item its archive was given
-- (its list's last item), by creation time and then ID, so that the list stays in creation order;
-- otherwise as keys of their own in its index, as every other record. Per webhook and call that is an
-- LINDEX and an RPUSH (recordLayout 3: and an HSET, and for the call an HSET of 'tails', which replicas of
-- the version before read for the newest item; layout 4 names a webhook there only when its archive
-- starts). Retention by count looks at the index's size only
-- when the archive's length passes a multiple of the slack (once per slack records), and then takes
-- the oldest finished records of both (trimOldest) down to maxCount.
local archiving, archivingOrder = {}, {}
local function archiveLater(pr, wh, i)
  local w = pr .. ':' .. wh
  local a = archiving[w]
  if not a then
    a = {pr = pr, wh = wh, w = w}
    archiving[w] = a
    archivingOrder[#archivingOrder + 1] = a
  end
  a[#a + 1] = i
end
-- Items of archiveLater are ARGV positions: ARGV[i+3] the delivery ID, ARGV[i+5] the creation time,
-- ARGV[i+8] what the archive holds: recordLayout 4 the whole item 'at:id:record' (the gateway builds
-- it: built here, it cost Lua two copies of the record per delivery), 3 the record (complete_first's
-- layout; lib/archive.lua).
local function before(x, y)
  local ax, ay = tonumber(ARGV[x + 5]), tonumber(ARGV[y + 5])
  return ax < ay or (ax == ay and ARGV[x + 3] < ARGV[y + 3])
end
local function inIndex(tag, pr, wh, i, inline)
  local id, at = ARGV[i + 3], ARGV[i + 5]
  local v = ARGV[i + 8]
  if inline then v = fullRecord(string.sub(v, #at + #id + 3), pr, wh, at) else v = withOwner(v, pr, wh) end
  redis.call('SET', tag .. 'dl:' .. id, v)
  redis.call('ZADD', whd(tag, pr, wh), at, id)
  recordCreated(pr, wh, at, id)
end
-- inline: the records go into the list's items (recordLayout 4), else into the hash (3). shift: one that
-- comes before the list's last item is appended behind a key of its own when it can be (recordLayout 5,
-- lib/archive.lua's ARCHIVE_SHIFT), not inserted.
local function archiveCreated(tag, maxCount, inline, shift)
  if #archivingOrder == 0 then return end
  local names = {}
  for i, a in ipairs(archivingOrder) do names[i] = a.w end
  local open = callJoined('SMISMEMBER', tag .. 'open', names)
  local slack = slackOf(maxCount)
  local newTails = {}
  for k, a in ipairs(archivingOrder) do
    local pr, wh = a.pr, a.wh
    if open[k] == 1 then
      for _, i in ipairs(a) do inIndex(tag, pr, wh, i, inline) end
    else
      local sorted = true
      for x = 2, #a do
        if before(a[x], a[x - 1]) then sorted = false end
      end
      if not sorted then table.sort(a, before) end
      -- The list's last item (O(1)), whoever wrote it: 'tails' is behind it once a replica of recordLayout
      -- 4 appended, so a layout-3 call reading it there would break the order (replicas switching).
      local l = whl(tag, pr, wh)
      local tailAt, tailId = -1, ''
      -- '-1' a string: a number is formatted through sprintf on every call.
      local newest = redis.call('LINDEX', l, '-1')
      if newest then tailAt, tailId = archived(newest) end
      -- The list's last item before this call (insertions go among those before it).
      local listAt, listId = tailAt, tailId
      -- last: the ARGV position of the newest item appended, if any; lastKey its key when shifted.
      local fields, list, length, first, added, last, lastKey = not inline and {} or nil, {}, nil, nil, 0, nil, nil
      for _, i in ipairs(a) do
        local at, id = tonumber(ARGV[i + 5]), ARGV[i + 3]
        local item, key
        if not inline then
          item = ARGV[i + 5] .. ':' .. id
        elseif archivable(id, at) then
          item = ARGV[i + 8]
        end
        if item and shift and (at < tailAt or (at == tailAt and id < tailId)) then
          -- Behind the last item (its time, or 1 ms more when this ID is the smaller), if not too far; else
          -- inserted when older than the list's last item, or (only after over ARCHIVE_SHIFT items of this
          -- call shifted by 1 ms each) kept in the index.
          key = id > tailId and tailAt or tailAt + 1
          if key - at > ARCHIVE_SHIFT then
            key = nil
            if not (at < listAt or (at == listAt and id < listId)) then item = nil end
          end
        end
        if not item then
          inIndex(tag, pr, wh, i, inline)
        elseif key or at > tailAt or (at == tailAt and id > tailId) then
          if key then
            tailAt, lastKey = key, string.format('%.0f', key)
            item = lastKey .. ':' .. id .. ':~' .. item
          else
            tailAt, lastKey = at, nil
          end
          -- The last item from now on: later ones of this call come after it.
          tailId = id
          list[#list + 1] = item
          last = i
        else
          -- newest stays the list's last item: an insertion puts it back there.
          length = archiveInsert(l, at, id, item, newest)
          if not length then
            inIndex(tag, pr, wh, i, inline)
            item = nil
          end
        end
        if item then
          if not inline then
            fields[#fields + 1] = id
            fields[#fields + 1] = ARGV[i + 8]
          end
          first = first or ARGV[i + 5]
          added = added + 1
        end
      end
      for j = 1, #list, 1000 do
        length = redis.call('RPUSH', l, unpack(list, j, math.min(j + 999, #list)))
      end
      if added > 0 then
        if fields then callEach('HSET', {wha(tag, pr, wh)}, fields) end
        if last and (not inline or length == added) then
          newTails[#newTails + 1] = a.w
          newTails[#newTails + 1] = (lastKey or ARGV[last + 5]) .. ':' .. ARGV[last + 3]
        end
        -- A new archive: its webhook goes into 'aged' (ZADD LT: an index may hold younger records only).
        if length == added then redis.call('ZADD', tag .. 'aged', 'LT', first, a.w) end
        if math.floor(length / slack) > math.floor((length - added) / slack) then
          local over = length + redis.call('ZCARD', whd(tag, pr, wh)) - maxCount
          if over > 0 then trimOldest(tag, pr, wh, math.min(over, added + 2 * slack + 10), false) end
        end
      end
    end
  end
  callEach('HSET', {tails(tag)}, newTails)
end
