-- Delivery records (the layout is RecordFormat's): one string per delivery,
-- st|so|ev|pr|wh|["nm","at","up-at","n","ea-at","rq","nx","s","us"]\n<newest try>\n<payload>. In the header an
-- empty string, or an element left off the end, is a field at its default or absent; up and ea are
-- distances from at. A header that is a JSON object is layout 1, the one before (every field by name, in
-- full): a record keeps the layout it was written in (h.v1), and new ones take recordLayout's, so that
-- replicas of the version before, which read layout 1 only, can run beside these (a rolling update).
local HEAD = {'nm', 'at', 'up', 'n', 'ea', 'rq', 'nx', 's', 'us'}
local RELATIVE = {up = true, ea = true}
local function decodeRecord(v)
  local st, so, ev, pr, wh, p = string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|()')
  local a = string.find(v, '\n', p, true)
  local b = string.find(v, '\n', a + 1, true)
  local raw = cjson.decode(string.sub(v, p, a - 1))
  local h = raw
  if string.byte(v, p) == 123 then
    h.v1 = true
  else
    h = {}
    for i, f in ipairs(HEAD) do
      local x = raw[i]
      if x and x ~= '' then
        if RELATIVE[f] and raw[2] and raw[2] ~= '' then x = string.format('%.0f', tonumber(raw[2]) + tonumber(x)) end
        h[f] = x
      end
    end
  end
  h.st, h.ev, h.pr, h.wh = st, ev, pr, wh
  if so ~= '' then h.so = so end
  if b > a + 1 then h.t = string.sub(v, a + 1, b - 1) end
  if b < #v then h.pl = string.sub(v, b + 1) end
  return h
end
-- What an empty string in the header stands for (RecordFormat's rule); the ID is not written (the key
-- holds it).
local DEFAULTS = {nx = '0', n = '0', s = '0', us = ''}
-- Layout 1's header: a JSON object of the fields by name, in full, defaults left out.
local HEAD1 = {'nm', 'at', 'up', 'nx', 'n', 's', 'us', 'ea', 'rq'}
local function objectHeader(h)
  local head = {}
  for _, f in ipairs(HEAD1) do
    local x = h[f]
    if x ~= nil then
      x = tostring(x)
      if DEFAULTS[f] ~= x then head[f] = x end
    end
  end
  return cjson.encode(head)
end
local function encodeRecord(h)
  local prefix = (h.st or 'pending') .. '|' .. (h.so or '') .. '|' .. (h.ev or '') .. '|' .. (h.pr or '') .. '|'
    .. (h.wh or '') .. '|'
  if h.v1 then return prefix .. objectHeader(h) .. '\n' .. (h.t or '') .. '\n' .. (h.pl or '') end
  local at = h.at ~= nil and tostring(h.at) or ''
  local head, last = {}, 0
  for i, f in ipairs(HEAD) do
    local x = h[f]
    x = x ~= nil and tostring(x) or ''
    if DEFAULTS[f] == x then x = '' end
    if x ~= '' then
      if RELATIVE[f] and at ~= '' then x = string.format('%.0f', tonumber(x) - tonumber(at)) end
      last = i
    end
    head[i] = x
  end
  if last == 0 then return prefix .. '[]\n' .. (h.t or '') .. '\n' .. (h.pl or '') end
  for i = last + 1, #head do head[i] = nil end
  return prefix .. cjson.encode(head) .. '\n' .. (h.t or '') .. '\n' .. (h.pl or '')
end
-- A record as a table of its fields; nil when there is none.
local function readRecord(k)
  local v = redis.call('GET', k)
  if not v then return nil end
  return decodeRecord(v)
end
-- Rewrites a record, keeping its TTL (records have none since retention by age went to trim_aged.lua; those
-- written before keep theirs).
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
