-- Publishes one event: next position, append to the target's stream, trim, publish live.
-- KEYS: 1 epoch, 2 sequence, 3 target stream, 4 target stream meta (hash: 'trimmed' -> the position
--       through which the stream no longer holds its events, 'last' -> its newest position),
--       5 checkpoints (hash: bucket start (unix ms) -> first position published in it; 'last' -> the
--       last position published)
-- ARGV: 1 new epoch (used only when none exists), 2 target channel, 3 target kind,
--       4 target key, 5 event name, 6 data, 7 now (unix ms), 8 max events per stream,
--       9 max age (ms), 10 stream expiry (ms), 11 meta expiry (ms), 12 age-trim batch size,
--       13 coalesce key (empty: none; stored as field 'k' only when set), 14 checkpoint bucket (ms),
--       15 horizon (ms) the checkpoints must reach back (history.lua's)
-- Returns: { epoch, position, receivers }
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local pos = redis.call('INCR', KEYS[2])
local now = tonumber(ARGV[7])
local stream = KEYS[3]

-- A stream that expired as a whole (PEXPIRE below) lost everything through its 'last': XADD is about
-- to create it afresh, so record that loss as trimmed first (history.lua reads 'last' as trimmed only
-- while the stream is absent), and cursors from before it stay not recovered.
if redis.call('EXISTS', stream) == 0 then
  local last = tonumber(redis.call('HGET', KEYS[4], 'last') or '0')
  if last > tonumber(redis.call('HGET', KEYS[4], 'trimmed') or '0') then
    redis.call('HSET', KEYS[4], 'trimmed', last)
  end
end

if ARGV[13] ~= nil and ARGV[13] ~= '' then
  redis.call('XADD', stream, entry_id(pos), 'n', ARGV[5], 'd', ARGV[6], 't', ARGV[7], 'k', ARGV[13])
else
  redis.call('XADD', stream, entry_id(pos), 'n', ARGV[5], 'd', ARGV[6], 't', ARGV[7])
end

-- Trim: the entries beyond the count bound, then a bounded batch of entries older than max age.
-- One XRANGE covers both in the common case (the excess, if any, plus the oldest entry kept).
local max_len = tonumber(ARGV[8])
local min_ts = now - tonumber(ARGV[9])
local excess = redis.call('XLEN', stream) - max_len
if excess < 0 then
  excess = 0
end
local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess + 1)
local trimmed = 0
if excess > 0 then
  trimmed = entry_position(head[excess][1])
end
if tonumber(entry_field(head[excess + 1][2], 't') or '0') < min_ts then
  local batch = redis.call('XRANGE', stream, '(' .. entry_id(trimmed), '+', 'COUNT', tonumber(ARGV[12]))
  for i = 1, #batch do
    if tonumber(entry_field(batch[i][2], 't') or '0') < min_ts then
      trimmed = entry_position(batch[i][1])
    else
      break
    end
  end
end
if trimmed > 0 then
  redis.call('XTRIM', stream, 'MINID', entry_id(trimmed + 1))
end

if trimmed > 0 then
  redis.call('HSET', KEYS[4], 'trimmed', trimmed)
end
redis.call('HSET', KEYS[4], 'last', pos)
redis.call('PEXPIRE', stream, tonumber(ARGV[10]))
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[11]))

record_checkpoint(KEYS[5], now, pos, tonumber(ARGV[14]), tonumber(ARGV[15]))

local receivers = redis.call('PUBLISH', ARGV[2], wire(0, pos, epoch, ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[13]))
return { epoch, pos, receivers }
