-- Publishes a watermark: the next position, for no event, live on the everyone channel only (no
-- stream). Recorded in the checkpoints like an event's, so a cursor at it is judged by its age.
-- KEYS: 1 epoch, 2 sequence, 3 checkpoints (see publish.lua)
-- ARGV: 1 new epoch (used only when none exists), 2 everyone channel, 3 now (unix ms),
--       4 checkpoint bucket (ms), 5 horizon (ms) the checkpoints must reach back
-- Returns: { epoch, position }
local epoch = ensure_epoch(KEYS[1], ARGV[1])
local pos = redis.call('INCR', KEYS[2])
record_checkpoint(KEYS[3], tonumber(ARGV[3]), pos, tonumber(ARGV[4]), tonumber(ARGV[5]))
redis.call('PUBLISH', ARGV[2], wire(4, pos, epoch, 3, '', '', '', ''))
return { epoch, pos }
