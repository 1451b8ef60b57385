-- Delivery records (the layout is RecordFormat's): one string per delivery,
-- st|so|ev|pr|wh|{header JSON}\n<newest try>\n<payload>. Fields left out of the header are at their default.
local HEAD = {'id', 'nm', 'at', 'up', 'nx', 'n', 's', 'us', 'ea', 'rq'}
local function decodeRecord(v)
  local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
  local a = string.find(v, '\n', p, true)
  local b = string.find(v, '\n', a + 1, true)
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
    .. (h.wh or '') .. '|' .. cjson.encode(head) .. '\n' .. (h.t or '') .. '\n' .. (h.pl or '')
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
