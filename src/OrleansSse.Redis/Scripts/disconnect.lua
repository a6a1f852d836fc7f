-- Tells the client's silos to end its connections (Disconnect on the client channel).
-- KEYS: 1 epoch, 2 sequence
-- ARGV: 1 new epoch, 2 client channel, 3 client id
-- Returns: position
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local pos = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], wire(3, pos, epoch, 1, ARGV[3], '', ''))
return pos
