-- One failed try: attempts + 1, logs replaced, failingSince set at the first failure of a streak; the
-- circuit opens once attempts reach openAfter (the next probe is due after the schedule's first step);
-- a failed probe moves the next one a step further; the webhook is disabled as the policy says. A
-- probe's lease is released. Publishes only when other replicas must know (the first failure, the
-- circuit opening, disabling), so a dead endpoint does not make every replica reload it on every try.
-- KEYS[1]  webhook hash   KEYS[2]  the webhook's probe lease
-- ARGV     logs, now, maxAttempts, disableAfterMs (-1: disable at maxAttempts, Appwrite's policy),
--          openAfter (0: no circuit), probe steps (ms, comma-separated), probe token ('' when this try
--          was no probe), gone ('1': 410 Gone, disable at once), changes channel, change message
-- Returns  {attempts, enabled ('1'/'0'), 1 when this call disabled it, 1 when it opened the circuit,
--          failingSince}, nil when the webhook is gone
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local now, maxAttempts, disableAfter = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local openAfter, token, gone = tonumber(ARGV[5]), ARGV[7], ARGV[8] == '1'
local steps = {}
for ms in string.gmatch(ARGV[6], '%d+') do steps[#steps + 1] = tonumber(ms) end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'logs', ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'enabled', 'failingSince', 'circuit', 'probes')
local enabled, since, open, probes = h[1], tonumber(h[2] or '0') or 0, h[3] == 'open', tonumber(h[4] or '0') or 0
if since == 0 then
  since = now
  redis.call('HSET', KEYS[1], 'failingSince', now)
end
if token ~= '' and redis.call('GET', KEYS[2]) == token then redis.call('DEL', KEYS[2]) end
local disabledNow, openedNow, publish = 0, 0, attempts == 1
if enabled == '1' then
  if gone or (disableAfter < 0 and attempts >= maxAttempts)
      or (disableAfter >= 0 and attempts >= maxAttempts and now - since >= disableAfter) then
    redis.call('HSET', KEYS[1], 'enabled', '0', 'circuit', '', 'probes', 0)
    enabled, disabledNow, publish = '0', 1, true
  elseif openAfter > 0 and not open and attempts >= openAfter then
    redis.call('HSET', KEYS[1], 'circuit', 'open', 'probes', 0, 'probeAt', now + steps[1])
    openedNow, publish = 1, true
  elseif open and token ~= '' then
    probes = probes + 1
    redis.call('HSET', KEYS[1], 'probes', probes, 'probeAt', now + steps[math.min(probes + 1, #steps)])
  end
end
if publish then
  local vk = string.match(KEYS[1], '^(.-}:)') .. 'version'
  local v = disabledNow == 1 and redis.call('INCR', vk) or (redis.call('GET', vk) or '0')
  redis.call('PUBLISH', ARGV[9], ARGV[10] .. ' ' .. v)
end
return {attempts, enabled, disabledNow, openedNow, since}
