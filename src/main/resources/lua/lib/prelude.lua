-- Put in front of every script (LuaScript.load): the globals the scripts use as locals, so that each use
-- is a register or an upvalue instead of a lookup in the table of globals (2% of Redis's instructions per
-- delivery in bin/redis-micro --instructions). KEYS and ARGV are read when the script runs: each call's.
local redis, KEYS, ARGV, string, table, math, tonumber, tostring, unpack, ipairs, pairs, type =
  redis, KEYS, ARGV, string, table, math, tonumber, tostring, unpack, ipairs, pairs, type
