-- Gives a webhook's probe lease back when the probe it was taken for was not sent (nothing was held).
-- KEYS[1]  the webhook's probe lease
-- ARGV     token
-- Returns  1 when the lease was the token's and is gone, else 0
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
