-- Detects a position counter that went back (Redis lost its last writes: appendfsync everysec,
-- or a restart from an older snapshot) while the epoch key survived, and starts a new epoch, so
-- positions are never reused under one epoch and every older cursor resumes "recovered": false.
-- KEYS: 1 epoch, 2 sequence
-- ARGV: 1 the epoch the caller saw, 2 the highest position the caller saw in it, 3 new epoch
-- Returns: { epoch, position, rotated (0/1) }
local epoch = ensure_epoch(KEYS[1], ARGV[3])
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if epoch == ARGV[1] and seq < tonumber(ARGV[2]) then
  epoch = ARGV[3]
  redis.call('SET', KEYS[1], epoch)
  return { epoch, seq, 1 }
end
return { epoch, seq, 0 }
