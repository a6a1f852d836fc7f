-- Adds a client to several groups, all or none, unless it would then belong to more than a limit
-- of groups (groups it already belongs to do not count twice). Each join as in group_add.lua.
-- KEYS: 1 epoch, 2 sequence, 3 client groups set, 4 client joined hash, then per group: its members set
-- ARGV: 1 new epoch, 2 client channel, 3 client id, 4 max groups (0: no limit), then the groups
--       (distinct; group n is ARGV[4 + n], its members set KEYS[4 + n])
-- Returns: { joined (0/1), how many groups the client belongs to now (or would have) }
local count = redis.call('SCARD', KEYS[3])
local after = count
for i = 5, #ARGV do
  if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then
    after = after + 1
  end
end
local max = tonumber(ARGV[4])
if max > 0 and after > max and after > count then
  return { 0, after }
end
local epoch = ensure_epoch(KEYS[1], ARGV[1])
for i = 5, #ARGV do
  local group = ARGV[i]
  redis.call('SADD', KEYS[i], ARGV[3])
  local added = redis.call('SADD', KEYS[3], group)
  local pos = redis.call('INCR', KEYS[2])
  if added == 1 then
    redis.call('HSET', KEYS[4], group, pos)
  end
  redis.call('PUBLISH', ARGV[2], wire(1, pos, epoch, 1, ARGV[3], group, ''))
end
return { 1, after }
