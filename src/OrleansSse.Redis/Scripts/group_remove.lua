-- Removes a client from a group and tells the client's silos (GroupLeft on the client channel).
-- KEYS: 1 epoch, 2 sequence, 3 group members set, 4 client groups set, 5 client joined hash
-- ARGV: 1 new epoch, 2 client channel, 3 group, 4 client id
-- Returns: position
local epoch = ensure_epoch(KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[4])
redis.call('SREM', KEYS[4], ARGV[3])
redis.call('HDEL', KEYS[5], ARGV[3])
local pos = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], wire(2, pos, epoch, 1, ARGV[4], ARGV[3], ''))
return pos
