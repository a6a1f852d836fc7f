-- Pushes the deadline of the named memberships of several clients (a silo holds connections for
-- them) to ARGV 2 (a later deadline stays), on both sides (the group's members and the client's groups). A membership that
-- lapsed or was left meanwhile is not brought back; a group the client joined since was not named
-- but its join set its deadline.
-- KEYS: per client: its groups (sorted set), its joined hash, then the members (sorted set) of
--       each group named for it
-- ARGV: 1 now (unix ms), 2 deadline (unix ms, or '+inf': never lapses), then per client: client
--       id, n (groups named), the n groups (in the order of their members keys)
-- Returns: memberships refreshed
local now = tonumber(ARGV[1])
local deadline = ARGV[2]
local refreshed = 0
local k = 1
local a = 3
while a <= #ARGV do
  local client = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  local groups_key = KEYS[k]
  local joined_key = KEYS[k + 1]
  settle_client(groups_key, joined_key, now, deadline)
  for i = 1, n do
    local group = ARGV[a + 1 + i]
    local members_key = KEYS[k + 1 + i]
    settle_group(members_key, now, deadline)
    if redis.call('ZSCORE', groups_key, group) then
      redis.call('ZADD', groups_key, 'GT', deadline, group)
      redis.call('ZADD', members_key, 'GT', deadline, client)
      expire_at_latest(members_key, now)
      refreshed = refreshed + 1
    end
  end
  expire_client(groups_key, joined_key, now)
  k = k + 2 + n
  a = a + 2 + n
end
return refreshed
