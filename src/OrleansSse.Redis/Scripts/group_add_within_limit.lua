-- Adds a client to several groups, all or none, unless it would then belong to more than a limit
-- of groups (groups it already belongs to do not count twice, lapsed ones not at all). Each join
-- as in group_add.lua.
-- KEYS: 1 epoch, 2 sequence, 3 client groups (sorted set), 4 client joined hash, then per group:
--       its members (sorted set)
-- ARGV: 1 new epoch, 2 client channel, 3 client id, 4 max groups (0: no limit), 5 now (unix ms),
--       6 deadline (unix ms, or '+inf': never lapses), then the groups (distinct; group n is
--       ARGV[6 + n], its members KEYS[4 + n])
-- Returns: { joined (0/1), how many groups the client belongs to now (or would have) }
local now = tonumber(ARGV[5])
local deadline = ARGV[6]
settle_client(KEYS[3], KEYS[4], now, deadline)
local count = redis.call('ZCARD', KEYS[3])
local after = count
for i = 7, #ARGV do
  if not redis.call('ZSCORE', KEYS[3], ARGV[i]) then
    after = after + 1
  end
end
local max = tonumber(ARGV[4])
if max > 0 and after > max and after > count then
  return { 0, after }
end
local epoch = ensure_epoch(KEYS[1], ARGV[1])
for i = 7, #ARGV do
  local group = ARGV[i]
  local members = KEYS[i - 2]
  settle_group(members, now, deadline)
  redis.call('ZADD', members, 'GT', deadline, ARGV[3])
  expire_at_latest(members, now)
  local added = redis.call('ZADD', KEYS[3], 'GT', deadline, group)
  local pos = redis.call('INCR', KEYS[2])
  if added == 1 then
    redis.call('HSET', KEYS[4], group, pos)
  end
  redis.call('PUBLISH', ARGV[2], wire(1, pos, epoch, 1, ARGV[3], group, ''))
end
expire_client(KEYS[3], KEYS[4], now)
return { 1, after }
