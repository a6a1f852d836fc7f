-- Adds a client to a group and tells the client's silos (GroupJoined on the client channel).
-- A new member's join position is stored (the client's joined hash); a member added again keeps it.
-- Either way the membership's deadline becomes ARGV 6 unless it is later already (then it stays).
-- Lapsed memberships are removed first, so a
-- client whose membership lapsed joins as a new member (with a new join position).
-- KEYS: 1 epoch, 2 sequence, 3 group members (sorted set), 4 client groups (sorted set),
--       5 client joined hash
-- ARGV: 1 new epoch, 2 client channel, 3 group, 4 client id, 5 now (unix ms),
--       6 deadline (unix ms, or '+inf': never lapses)
-- Returns: position
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local now = tonumber(ARGV[5])
settle_group(KEYS[3], now, ARGV[6])
settle_client(KEYS[4], KEYS[5], now, ARGV[6])
redis.call('ZADD', KEYS[3], 'GT', ARGV[6], ARGV[4])
local added = redis.call('ZADD', KEYS[4], 'GT', ARGV[6], ARGV[3])
local pos = redis.call('INCR', KEYS[2])
if added == 1 then
  redis.call('HSET', KEYS[5], ARGV[3], pos)
end
expire_at_latest(KEYS[3], now)
expire_client(KEYS[4], KEYS[5], now)
redis.call('PUBLISH', ARGV[2], wire(1, pos, epoch, 1, ARGV[4], ARGV[3], ''))
return pos
