-- A client's groups and the position at which it joined each. Read-only.
-- KEYS: 1 client groups set, 2 client joined hash
-- Returns: { group, join position, ... } (0 for a membership stored without one)
local out = {}
for _, group in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  out[#out + 1] = group
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[2], group) or '0')
end
return out
