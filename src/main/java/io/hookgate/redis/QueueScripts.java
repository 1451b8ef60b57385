package io.hookgate.redis;


/**
 * The Lua scripts of the queue (see {@link QueueKeys} for the keys). Each runs atomically in one
 * partition's slot; keys other than KEYS[1..] are derived from the partition tag inside the script.
 * Every step that finishes a stream entry first checks {@code XACK == 1}: an entry that another
 * consumer already finished is skipped, so no outcome is recorded twice.
 */
final class QueueScripts {
    private QueueScripts() {
    }

    /**
     * Reading and writing delivery records (the layout is {@link RecordFormat}'s): one string
     * {@code st|so|ev|pr|wh|{header JSON}\n<newest try>\n<payload>}.
     */
    static final String RECORDS = """
        local HEAD = {'id', 'nm', 'at', 'up', 'nx', 'n', 's', 'us', 'ea', 'rq'}
        local function decodeRecord(v)
          local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
          local a = string.find(v, '\\n', p, true)
          local b = string.find(v, '\\n', a + 1, true)
          local h = cjson.decode(string.sub(v, p, a - 1))
          h.st, h.ev, h.pr, h.wh = st, ev, pr, wh
          if so ~= '' then h.so = so end
          if b > a + 1 then h.t = string.sub(v, a + 1, b - 1) end
          if b < #v then h.pl = string.sub(v, b + 1) end
          return h
        end
        -- Left out of the header (RecordFormat's rule): the ID (the key holds it) and fields at their default.
        local DEFAULTS = {nx = '0', n = '0', s = '0', us = ''}
        local function encodeRecord(h)
          local head = {}
          for _, f in ipairs(HEAD) do
            local v = h[f]
            if v ~= nil and f ~= 'id' then
              v = tostring(v)
              if DEFAULTS[f] ~= v then head[f] = v end
            end
          end
          return (h.st or 'pending') .. '|' .. (h.so or '') .. '|' .. (h.ev or '') .. '|' .. (h.pr or '') .. '|'
            .. (h.wh or '') .. '|' .. cjson.encode(head) .. '\\n' .. (h.t or '') .. '\\n' .. (h.pl or '')
        end
        -- A record as a table of its fields; nil when there is none.
        local function readRecord(k)
          local v = redis.call('GET', k)
          if not v then return nil end
          return decodeRecord(v)
        end
        -- Rewrites a record, keeping its TTL.
        local function writeRecord(k, h)
          redis.call('SET', k, encodeRecord(h), 'KEEPTTL')
        end
        -- recordHead of a record's value.
        local function headOf(v)
          local st, so, ev, pr, wh = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|')
          return {pr, wh, st, ev, so ~= '' and so}
        end
        -- {pr, wh, st, ev, so} of a record (false where absent) without reading its try and payload: the
        -- prefix holds them. An empty table when there is no record.
        local function recordHead(k)
          local v = redis.call('GETRANGE', k, 0, 255)
          if v == '' then return {} end
          return headOf(v)
        end
        """;

    /** Helpers shared by the scripts: status index moves, record removal, retention trimming. */
    private static final String PRELUDE = RECORDS + """
        local function whd(tag, pr, wh) return tag .. 'whd:' .. pr .. ':' .. wh end
        -- An event's hash: event IDs are unique within a project only (QueueKeys.event).
        local function evKey(tag, pr, ev) return tag .. 'ev:' .. pr .. ':' .. ev end
        -- Calls cmd with fixed arguments followed by the items, at most 1000 items per call (an even number:
        -- score/member pairs stay together).
        local function callEach(cmd, fixed, items)
          for j = 1, #items, 1000 do
            local args = {unpack(fixed)}
            for x = j, math.min(j + 999, #items) do args[#args + 1] = items[x] end
            redis.call(cmd, unpack(args))
          end
        end
        -- Status indexes. 'pending' has none: nearly every delivery passes through it for a few
        -- milliseconds, and its index cost a ZADD and a ZREM per delivery. 'delivered' is the status of
        -- nearly every record, and its index too cost a ZADD and a ZREM per delivery (about a fifth of
        -- Redis's time per delivery): it is kept only as an aid to retention, holding the records delivered
        -- while their webhook has unfinished ones (retrying, parked). Only those can sit behind an unfinished
        -- record, out of reach of trimming from the head of the webhook's index (see trim). Listing pending or
        -- delivered deliveries reads the webhook's general index and filters by status (see EventQueue.list).
        -- The partition's set 'open' names (pr:wh) every webhook that may have retrying or parked records:
        -- added to when a record becomes one, cleared lazily (see trimCreated), so that the fan-out's scripts
        -- look up one set per call instead of two indexes per webhook. A webhook outside it has no delivered
        -- index.
        local function hasOpen(base)
          return redis.call('EXISTS', base .. ':retrying', base .. ':parked') > 0
        end
        local function markOpen(tag, pr, wh)
          redis.call('SADD', tag .. 'open', pr .. ':' .. wh)
        end
        local function move(tag, id, pr, wh, old, new, at)
          local base = whd(tag, pr, wh)
          if old and old ~= '' and old ~= new and old ~= 'pending' then redis.call('ZREM', base .. ':' .. old, id) end
          if new == 'delivered' then
            if hasOpen(base) then redis.call('ZADD', base .. ':delivered', at, id) end
          elseif new ~= 'pending' then
            redis.call('ZADD', base .. ':' .. new, at, id)
            if new ~= 'failed' then markOpen(tag, pr, wh) end
          end
        end
        -- The statuses that have an index ('pending' has none, see move).
        local statuses = {'delivered', 'retrying', 'parked', 'failed'}
        -- Removes a record and every index entry of it; h is recordHead(k). pr and wh (may be nil) name its
        -- webhook when the record has expired already, so that the indexes do not keep members that trim()
        -- would meet forever. A record with so = 1 is the only one its event has ever had (the event matched
        -- one webhook): the event goes with it, without a reference count. deliveredIndex false says that the
        -- webhook's delivered index is empty (no ZREM needed); nil, that it may not be.
        local function dropRecord(tag, id, pr, wh, h, deliveredIndex)
          local k = tag .. 'dl:' .. id
          pr = h[1] or pr
          wh = h[2] or wh
          if pr and wh then
            local base = whd(tag, pr, wh)
            redis.call('ZREM', base, id)
            local st = h[3]
            if st then
              if st ~= 'delivered' or deliveredIndex ~= false then redis.call('ZREM', base .. ':' .. st, id) end
            else
              for _, s in ipairs(statuses) do redis.call('ZREM', base .. ':' .. s, id) end
            end
            -- Only retrying and pending (deferred) records wait in retries, only parked ones in parked.
            if not st or st == 'retrying' or st == 'pending' then redis.call('ZREM', tag .. 'retries', id) end
            if not st or st == 'parked' then redis.call('ZREM', tag .. 'parked:' .. pr .. ':' .. wh, id) end
          end
          -- A record that holds its event (so) is the only one the event has: no event hash to release.
          if h[4] and pr and not h[5] then
            local ek = evKey(tag, pr, h[4])
            if redis.call('HINCRBY', ek, 'refs', -1) <= 0 then redis.call('DEL', ek) end
          end
          redis.call('DEL', k, k .. ':tries')
        end
        local function drop(tag, id, pr, wh)
          dropRecord(tag, id, pr, wh, recordHead(tag .. 'dl:' .. id))
        end
        -- headOf a whole record value, plus whether its removal must delete a tries list besides the record
        -- (h.tries): only when it made more than one try (the list holds the older ones). A DEL goes to the AOF
        -- with every name given, those that did not exist too, and AOF bytes are what makes Redis rewrite it.
        local function finishedHeadOf(v)
          local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
          -- Not a record: removed one by one (dropRecord), which clears every index.
          if not p then return {} end
          local head = string.sub(v, p, (string.find(v, '\\n', p, true) or 0) - 1)
          local n = tonumber(string.match(head, '"n":"(%d+)"'))
          return {pr, wh, st, ev, so ~= '' and so, tries = not n or n > 1}
        end
        -- dropRecord for finished (delivered or failed) records of one webhook, the heads of its index, with
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
            if h[3] and h[3] ~= 'delivered' and h[3] ~= 'failed' then break end
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
        -- Deletes finished stream entries, many per call (a call per entry costs more than the deletion).
        local function xdel(stream, ids)
          callEach('XDEL', {stream}, ids)
        end
        local function enqueue(tag, stream, id, wh, ev, pr, s)
          redis.call('XADD', stream, '*', 'dl', id, 'wh', wh, 'ev', ev, 'pr', pr, 's', s)
        end
        """;

    /**
     * Ingest. KEYS: events stream. ARGV: idempotency ttl, project, then per event: id, name, user, at,
     * payload, idempotency key ('' for none), request ID. Returns per event its effective ID and 1 when
     * it was stored now, 0 when it repeats an idempotency key (then the ID is the first event's, and
     * nothing is stored). The event is its stream entry, payload included, until the fan-out moves it
     * into its delivery record (one delivery) or an event hash (several).
     */
    static final LuaScript INGEST = new LuaScript("ingest", """
        local tag = string.sub(KEYS[1], 1, -7)
        local ittl, pr = ARGV[1], ARGV[2]
        local out = {}
        for i = 3, #ARGV, 7 do
          local id = ARGV[i]
          local fresh = true
          if ARGV[i+5] ~= '' then
            local ik = tag .. 'idem:' .. pr .. ':' .. ARGV[i+5]
            if not redis.call('SET', ik, id, 'NX', 'EX', ittl) then
              id = redis.call('GET', ik)
              fresh = false
            end
          end
          if fresh then
            redis.call('XADD', KEYS[1], '*', 'id', id, 'pr', pr, 'nm', ARGV[i+1], 'us', ARGV[i+2], 'at', ARGV[i+3],
              'pl', ARGV[i+4], 'rq', ARGV[i+6])
          end
          out[#out + 1] = id
          out[#out + 1] = fresh and 1 or 0
        end
        return out
        """);

    /**
     * Fan-out: records each event's deliveries (records, indexes, stream entries) and acknowledges the
     * event, atomically. KEYS: events, deliveries. ARGV: group, now, ttl, maxCount, minScore, then per
     * event: entryId, eventId, projectId, name, user, acceptedAt, payload, requestId, n, n x (deliveryId,
     * webhookId). An event with one delivery moves into its record (so = 1); one with several gets an
     * event hash that its records share (refs).
     */
    static final LuaScript FANOUT = new LuaScript("fanout", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -7)
        local group, now, ttl, maxCount, minScore = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
        local done = {}
        local i = 6
        while i <= #ARGV do
          local entry, ev, pr, nm, n = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+8])
          local base = i
          i = i + 9
          if redis.call('XACK', KEYS[1], group, entry) == 1 then
            done[#done + 1] = entry
            if n > 0 then
              if n > 1 then
                local ek = evKey(tag, pr, ev)
                redis.call('HSET', ek, 'pr', pr, 'nm', nm, 'us', ARGV[base+4], 'at', ARGV[base+5], 'pl', ARGV[base+6],
                  'rq', ARGV[base+7], 'refs', n)
                redis.call('EXPIRE', ek, ttl)
              end
              for j = 0, n - 1 do
                local id, wh = ARGV[i + 2*j], ARGV[i + 2*j + 1]
                local h = {id = id, wh = wh, pr = pr, ev = ev, nm = nm, st = 'pending', at = now, up = now, nx = 0, n = 0,
                  s = 0}
                if n == 1 then
                  -- The event's only delivery: the event lives in the record and goes with it (so = 1).
                  h.so = 1
                  h.us, h.ea, h.pl, h.rq = ARGV[base+4], ARGV[base+5], ARGV[base+6], ARGV[base+7]
                end
                redis.call('SET', tag .. 'dl:' .. id, encodeRecord(h), 'EX', ttl)
                redis.call('ZADD', whd(tag, pr, wh), now, id)
                enqueue(tag, KEYS[2], id, wh, ev, pr, 0)
                recordCreated(pr, wh)
              end
            end
          end
          i = i + 2 * n
        end
        xdel(KEYS[1], done)
        trimCreated(tag, maxCount, minScore)
        return 'OK'
        """);

    /**
     * Records the outcome of tries. KEYS: deliveries, retries. ARGV: group, now, ttl, then per entry:
     * entryId, deliveryId, outcome, nextAt, tryJson. Outcomes: D delivered, R retry at nextAt,
     * F failed for good, P parked (webhook disabled), W wait (webhook at its in-flight cap: back at
     * nextAt, no try counted), Q requeue now (shutdown), X drop the record (webhook or event gone).
     */
    static final LuaScript COMPLETE = new LuaScript("complete", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -11)
        local group, now, ttl = ARGV[1], ARGV[2], ARGV[3]
        local done = {}
        for i = 4, #ARGV, 5 do
          local entry, id, outcome, nextAt, try = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
          if redis.call('XACK', KEYS[1], group, entry) == 1 then
            done[#done + 1] = entry
            local k = tag .. 'dl:' .. id
            if outcome == 'X' then
              drop(tag, id)
            elseif outcome == 'W' and try == '' then
              -- Back later, nothing else changes (a deferred try, often repeated): the prefix says the record exists.
              if recordHead(k)[3] then redis.call('ZADD', KEYS[2], nextAt, id) end
            else
              local h = readRecord(k)
              if h then
                local pr, wh, st, at = h.pr, h.wh, h.st, h.at
                local dirty = true
                if outcome == 'D' then
                  h.st, h.up, h.nx = 'delivered', now, 0
                  move(tag, id, pr, wh, st, 'delivered', at)
                elseif outcome == 'F' then
                  h.st, h.up, h.nx = 'failed', now, 0
                  move(tag, id, pr, wh, st, 'failed', at)
                elseif outcome == 'R' then
                  h.st, h.up, h.nx, h.s = 'retrying', now, nextAt, tonumber(h.s or 0) + 1
                  move(tag, id, pr, wh, st, 'retrying', at)
                  redis.call('ZADD', KEYS[2], nextAt, id)
                elseif outcome == 'P' then
                  h.st, h.up, h.nx = 'parked', now, 0
                  move(tag, id, pr, wh, st, 'parked', at)
                  redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, at, id)
                elseif outcome == 'W' then
                  redis.call('ZADD', KEYS[2], nextAt, id)
                  dirty = false
                elseif outcome == 'Q' then
                  enqueue(tag, KEYS[1], id, wh, h.ev, pr, h.s or 0)
                  dirty = false
                end
                if try ~= '' then
                  -- The newest try lives in the record (t), older ones in the list, newest first.
                  local n = tonumber(h.n or 0)
                  if n > 0 and h.t then
                    local tk = k .. ':tries'
                    redis.call('LPUSH', tk, h.t)
                    redis.call('LTRIM', tk, 0, 48)
                    redis.call('EXPIRE', tk, ttl)
                  end
                  h.n, h.t = n + 1, try
                  dirty = true
                end
                if dirty then writeRecord(k, h) end
              end
            end
          end
        end
        xdel(KEYS[1], done)
        return 'OK'
        """);

    /**
     * Records first tries made straight from the fan-out: for each event entry still pending (XACK == 1),
     * the delivery's record as the try left it (delivered, retrying, failed, parked; pending and queued
     * when the try could not be made), its indexes, and the event's acknowledgement. KEYS: events,
     * deliveries, retries. ARGV: group, now, ttl, maxCount, minScore, then per entry: entryId, eventId,
     * projectId, deliveryId, webhookId, createdAt, status ('' when there is no record to keep: the webhook or
     * the event is gone), nextAt, and the record, written whole by the gateway ({@link RecordFormat}). First
     * tries are made for events of one delivery only: the event moves into the record (so = 1), as in FANOUT.
     */
    static final LuaScript COMPLETE_FIRST = new LuaScript("complete_first", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -7)
        local group, now, ttl, maxCount, minScore = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
        local done = {}
        for i = 6, #ARGV, 9 do
          local entry, ev, pr, id, wh, at, st = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
          if redis.call('XACK', KEYS[1], group, entry) == 1 then
            done[#done + 1] = entry
            if st ~= '' then
              if st == 'retrying' then
                redis.call('ZADD', KEYS[3], ARGV[i+7], id)
                markOpen(tag, pr, wh)
              elseif st == 'parked' then
                redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, at, id)
                markOpen(tag, pr, wh)
              elseif st == 'pending' then
                enqueue(tag, KEYS[2], id, wh, ev, pr, 0)
              end
              redis.call('SET', tag .. 'dl:' .. id, ARGV[i+8], 'EX', ttl)
              local base = whd(tag, pr, wh)
              redis.call('ZADD', base, at, id)
              if st == 'delivered' then
                recordCreated(pr, wh, id, at)
              else
                if st ~= 'pending' then redis.call('ZADD', base .. ':' .. st, at, id) end
                recordCreated(pr, wh)
              end
            end
          end
        end
        xdel(KEYS[1], done)
        trimCreated(tag, maxCount, minScore)
        return 'OK'
        """);

    /** Moves due retries into the deliveries stream, each once. KEYS: retries, deliveries. ARGV: now, limit. */
    static final LuaScript DRAIN_RETRIES = new LuaScript("drain_retries", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -8)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        for _, id in ipairs(due) do
          redis.call('ZREM', KEYS[1], id)
          local k = tag .. 'dl:' .. id
          local h = readRecord(k)
          if h then
            enqueue(tag, KEYS[2], id, h.wh, h.ev, h.pr, h.s or 0)
            if h.st ~= 'pending' then
              local old = h.st
              h.st, h.nx, h.up = 'pending', 0, ARGV[1]
              writeRecord(k, h)
              move(tag, id, h.pr, h.wh, old, 'pending', h.at)
            end
          end
        end
        return #due
        """);

    /**
     * Parks a webhook's retrying deliveries (it was just disabled). KEYS: retries. ARGV: project,
     * webhook, now. Returns how many were parked.
     */
    static final LuaScript PARK_RETRYING = new LuaScript("park_retrying", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -8)
        local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
        local ids = redis.call('ZRANGE', whd(tag, pr, wh) .. ':retrying', 0, -1)
        for _, id in ipairs(ids) do
          redis.call('ZREM', KEYS[1], id)
          local k = tag .. 'dl:' .. id
          local h = readRecord(k)
          if h then
            h.st, h.nx, h.up = 'parked', 0, now
            writeRecord(k, h)
            move(tag, id, pr, wh, 'retrying', 'parked', h.at)
            redis.call('ZADD', tag .. 'parked:' .. pr .. ':' .. wh, h.at, id)
          end
        end
        return #ids
        """);

    /**
     * Requeues up to ARGV[4] parked deliveries of a webhook, oldest first, with a fresh retry
     * schedule. KEYS: deliveries. ARGV: project, webhook, now, limit. Returns how many moved.
     */
    static final LuaScript UNPARK = new LuaScript("unpark", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -11)
        local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
        local pk = tag .. 'parked:' .. pr .. ':' .. wh
        local ids = redis.call('ZRANGE', pk, 0, tonumber(ARGV[4]) - 1)
        for _, id in ipairs(ids) do
          redis.call('ZREM', pk, id)
          local k = tag .. 'dl:' .. id
          local h = readRecord(k)
          if h then
            local old = h.st
            h.st, h.s, h.nx, h.up = 'pending', 0, 0, now
            writeRecord(k, h)
            move(tag, id, pr, wh, old, 'pending', h.at)
            enqueue(tag, KEYS[1], id, wh, h.ev, pr, 0)
          end
        end
        return #ids
        """);

    /**
     * Removes the delivery records of a deleted webhook created up to ARGV[4] (the deletion; a webhook made
     * again under the same ID keeps its own), up to ARGV[3] of them per index, with their index entries and
     * their events' references (in-flight stream entries find no record and are dropped). Emptied indexes
     * go by themselves. KEYS: deliveries (for the tag). ARGV: project, webhook, limit, deletedAt. Returns
     * how many records went: call again until 0.
     */
    static final LuaScript PURGE_WEBHOOK = new LuaScript("purge_webhook", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -11)
        local pr, wh, limit, before = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
        local base = whd(tag, pr, wh)
        local indexes = {base, tag .. 'parked:' .. pr .. ':' .. wh}
        for _, s in ipairs(statuses) do indexes[#indexes + 1] = base .. ':' .. s end
        local count = 0
        for _, key in ipairs(indexes) do
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', before, 'LIMIT', 0, limit)) do
            drop(tag, id, pr, wh)
            redis.call('ZREM', key, id)
            count = count + 1
          end
          if count >= limit then return count end
        end
        return count
        """);

    /**
     * Sends deliveries again now, with a fresh retry schedule (manual retry, recover). KEYS:
     * deliveries. ARGV: project, webhook, now, then delivery IDs. Returns how many were requeued;
     * IDs of other webhooks, unknown ones and ones already pending are skipped.
     */
    static final LuaScript REQUEUE = new LuaScript("requeue", PRELUDE + """
        local tag = string.sub(KEYS[1], 1, -11)
        local pr, wh, now = ARGV[1], ARGV[2], ARGV[3]
        local count = 0
        for i = 4, #ARGV do
          local id = ARGV[i]
          local k = tag .. 'dl:' .. id
          local h = readRecord(k)
          if h and h.pr == pr and h.wh == wh and h.st ~= 'pending' then
            redis.call('ZREM', tag .. 'retries', id)
            redis.call('ZREM', tag .. 'parked:' .. pr .. ':' .. wh, id)
            local old = h.st
            h.st, h.s, h.nx, h.up = 'pending', 0, 0, now
            writeRecord(k, h)
            move(tag, id, pr, wh, old, 'pending', h.at)
            enqueue(tag, KEYS[1], id, wh, h.ev, pr, 0)
            count = count + 1
          end
        end
        return count
        """);

    /**
     * An event for a delivery: from the event hash (an event with several deliveries), else from the
     * delivery's record (an event with one delivery). KEYS: event, delivery.
     * Returns project, name, user, acceptedAt, payload, requestId; false when neither holds it.
     */
    static final LuaScript LOAD_EVENT = new LuaScript("load_event", RECORDS + """
        local e = redis.call('HMGET', KEYS[1], 'pr', 'nm', 'us', 'at', 'pl', 'rq')
        if e[5] then return e end
        local h = readRecord(KEYS[2])
        if h and h.pl then return {h.pr, h.nm, h.us or false, h.ea or false, h.pl, h.rq or false} end
        return false
        """);

    /**
     * The statuses of delivery records (false for a record that is gone), for listing by a status
     * that has no index of its own. KEYS: any key of the partition (for its tag). ARGV: delivery IDs.
     */
    static final LuaScript STATUSES = new LuaScript("statuses", RECORDS + """
        local tag = string.sub(KEYS[1], 1, -11)
        local out = {}
        for i, id in ipairs(ARGV) do
          out[i] = recordHead(tag .. 'dl:' .. id)[3] or false
        end
        return out
        """);
}
