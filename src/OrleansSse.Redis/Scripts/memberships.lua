-- A client's current groups and the position at which it joined each. Writes only to settle the
-- client's keys (lapsed groups removed, old layout upgraded, expiry).
-- KEYS: 1 client groups (sorted set), 2 client joined hash
-- ARGV: 1 now (unix ms), 2 deadline of a membership made now (unix ms or '+inf'; for keys of the old layout)
-- Returns: { group, join position, ... } (0 for a membership stored without one)
local now = tonumber(ARGV[1])
settle_client(KEYS[1], KEYS[2], now, ARGV[2])
local out = {}
for _, group in ipairs(current_members(KEYS[1], now)) do
  out[#out + 1] = group
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[2], group) or '0')
end
return out
