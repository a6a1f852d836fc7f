-- The current groups of several clients, for refresh.lua (which must name their members keys).
-- Writes only to settle the clients' keys (lapsed groups removed, old layout upgraded, expiry).
-- KEYS: per client: its groups (sorted set), its joined hash
-- ARGV: 1 now (unix ms), 2 deadline of a membership made now (unix ms or '+inf'; for keys of the old layout)
-- Returns: per client, in KEYS order: { group, ... }
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS, 2 do
  settle_client(KEYS[i], KEYS[i + 1], now, ARGV[2])
  out[#out + 1] = current_members(KEYS[i], now)
end
return out
