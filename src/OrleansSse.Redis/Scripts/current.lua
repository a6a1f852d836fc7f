-- The current epoch (created when absent, so the answer stays valid) and the last position.
-- KEYS: 1 epoch, 2 sequence
-- ARGV: 1 new epoch
-- Returns: { epoch, position }
local epoch = ensure_epoch(KEYS[1], ARGV[1])
return { epoch, tonumber(redis.call('GET', KEYS[2]) or '0') }
