-- Publishes one event: next position, append to the target's stream, trim, publish live.
-- KEYS: 1 epoch, 2 sequence, 3 target stream, 4 target stream meta (hash: trimmed, last)
-- ARGV: 1 new epoch (used only when none exists), 2 target channel, 3 target kind,
--       4 target key, 5 event name, 6 data, 7 now (unix ms), 8 max events per stream,
--       9 max age (ms), 10 stream expiry (ms), 11 meta expiry (ms), 12 age-trim batch size
-- Returns: { epoch, position, receivers }
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local pos = redis.call('INCR', KEYS[2])
local now = tonumber(ARGV[7])
local stream = KEYS[3]
redis.call('XADD', stream, pos .. '-0', 'n', ARGV[5], 'd', ARGV[6], 't', ARGV[7])

local trimmed = 0

-- By count: drop the oldest entries beyond the bound.
local max_len = tonumber(ARGV[8])
local len = redis.call('XLEN', stream)
if len > max_len then
  local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', len - max_len)
  trimmed = entry_position(old[#old][1])
  redis.call('XTRIM', stream, 'MINID', (trimmed + 1) .. '-0')
end

-- By age: drop a bounded batch of the oldest entries older than max age.
local min_ts = now - tonumber(ARGV[9])
local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', tonumber(ARGV[12]))
local cut = 0
for i = 1, #head do
  local ts = tonumber(entry_field(head[i][2], 't') or '0')
  if ts < min_ts then
    cut = entry_position(head[i][1])
  else
    break
  end
end
if cut > 0 then
  redis.call('XTRIM', stream, 'MINID', (cut + 1) .. '-0')
  if cut > trimmed then
    trimmed = cut
  end
end

if trimmed > 0 then
  redis.call('HSET', KEYS[4], 'trimmed', trimmed)
end
redis.call('HSET', KEYS[4], 'last', pos)
redis.call('PEXPIRE', stream, tonumber(ARGV[10]))
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[11]))

local receivers = redis.call('PUBLISH', ARGV[2], wire(0, pos, epoch, ARGV[3], ARGV[4], ARGV[5], ARGV[6]))
return { epoch, pos, receivers }
