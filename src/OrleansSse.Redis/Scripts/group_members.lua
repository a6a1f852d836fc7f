-- A group's current members. Writes only to settle the key (lapsed members removed, old layout
-- upgraded, expiry).
-- KEYS: 1 group members (sorted set)
-- ARGV: 1 now (unix ms), 2 deadline of a membership made now (unix ms or '+inf'; for keys of the old layout)
-- Returns: { client id, ... }
local now = tonumber(ARGV[1])
settle_group(KEYS[1], now, ARGV[2])
return current_members(KEYS[1], now)
