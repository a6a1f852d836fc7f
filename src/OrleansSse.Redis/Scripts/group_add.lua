-- Adds a client to a group and tells the client's silos (GroupJoined on the client channel).
-- A new member's join position is stored (the client's joined hash); a member added again keeps it.
-- KEYS: 1 epoch, 2 sequence, 3 group members set, 4 client groups set, 5 client joined hash
-- ARGV: 1 new epoch, 2 client channel, 3 group, 4 client id
-- Returns: position
local epoch = ensure_epoch(KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[4])
local added = redis.call('SADD', KEYS[4], ARGV[3])
local pos = redis.call('INCR', KEYS[2])
if added == 1 then
  redis.call('HSET', KEYS[5], ARGV[3], pos)
end
redis.call('PUBLISH', ARGV[2], wire(1, pos, epoch, 1, ARGV[4], ARGV[3], ''))
return pos
