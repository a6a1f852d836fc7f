-- Removes a client from a group and tells the client's silos (GroupLeft on the client channel).
-- KEYS: 1 epoch, 2 sequence, 3 group members (sorted set), 4 client groups (sorted set),
--       5 client joined hash
-- ARGV: 1 new epoch, 2 client channel, 3 group, 4 client id, 5 now (unix ms),
--       6 deadline of a membership made now (unix ms or '+inf'; for keys of the old layout)
-- Returns: position
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local now = tonumber(ARGV[5])
settle_group(KEYS[3], now, ARGV[6])
settle_client(KEYS[4], KEYS[5], now, ARGV[6])
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('HDEL', KEYS[5], ARGV[3])
expire_at_latest(KEYS[3], now)
expire_client(KEYS[4], KEYS[5], now)
local pos = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], wire(2, pos, epoch, 1, ARGV[4], ARGV[3], ''))
return pos
