-- A delivery's event: from the event hash (an event of several deliveries), else from the delivery's
-- record (an event of one delivery), a key of its own or, when given, in its webhook's archive.
-- KEYS[1]  the event hash   KEYS[2]  the delivery record   KEYS[3], KEYS[4]  its webhook's archive, hash
--          and list (optional)
-- ARGV     the delivery ID, with KEYS[3] the project and the webhook
-- Returns  {project, name, user, acceptedAt, payload, requestId}, false when neither holds it
-- uses: records, indexes, archive
local e = redis.call('HMGET', KEYS[1], 'pr', 'nm', 'us', 'at', 'pl', 'rq')
if e[5] then return e end
local h = readRecord(KEYS[2])
if not h and KEYS[3] then
  local v = archiveLookup(KEYS[4], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
  if v then h = decodeRecord(v) end
end
if h and h.pl then return {h.pr, h.nm, h.us or false, h.ea or false, h.pl, h.rq or false} end
return false
