-- Registers the next webhooks named in the partition's 'tails' (each webhook whose archive was ever given
-- a record, lib/archive.lua) for retention by age at their oldest record's time, as register_aged does for
-- the webhooks a replica knows: an archive that lost its place in 'aged' (a replica of a version before
-- archives took it out, with its webhook's index empty) still goes by age, even once its webhook is
-- deleted. A webhook with no record left leaves 'tails'.
-- KEYS[1]  aged   KEYS[2]  tails
-- ARGV     HSCAN cursor, count
-- Returns  {the next cursor ('0': the walk is through), how many were added to aged}
-- uses: records, indexes
local tag = string.sub(KEYS[1], 1, -5)
local scan = redis.call('HSCAN', KEYS[2], ARGV[1], 'COUNT', ARGV[2])
local fields, added = scan[2], 0
for i = 1, #fields, 2 do
  local w = fields[i]
  local pr, wh = string.match(w, '^([^:]*):(.*)$')
  local at = pr and headAt(tag, pr, wh)
  if at then
    added = added + redis.call('ZADD', KEYS[1], 'LT', string.format('%.0f', at), w)
  else
    redis.call('HDEL', KEYS[2], w)
  end
end
return {scan[1], added}
