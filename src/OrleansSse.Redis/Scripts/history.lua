-- Reads the retained events of several targets strictly after a cursor. Read-only.
-- KEYS: 1 epoch, 2 sequence, 3 checkpoints (see publish.lua), then per target: stream, stream meta
-- ARGV: 1 cursor epoch, 2 cursor position, 3 now (unix ms), 4 max age (ms), 5 max replay events
--       (each stream yields at most its newest max + 1 entries; more than max means not recovered),
--       6 checkpoint bucket (ms), 7 horizon (ms: older cursors are not recovered), 8 max replay
--       bytes (each stream yields its newest entries up to that many bytes of names and data; more
--       means not recovered), then per target (optional): the position its history starts after
--       for this reader (a group's join position), when later than the cursor

-- Returns: { 0 } when the epoch differs (or none exists), { 1, 0 } (no events, not recovered) when
--          the cursor is beyond the sequence, else
--          { 1, recovered (0/1), then per event: target index (1-based), position, name, data,
--            coalesce key (entry field 'k'; empty when none, e.g. entries written before keys existed) }
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then
  return { 0 }
end
local after = tonumber(ARGV[2])
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
-- A cursor beyond the sequence (from the future, or made up) missed nothing that can be read: no
-- events, not recovered. Checked before any stream id is built from it: Lua numbers are doubles, and
-- a position near 2^63 makes no valid id.
if after > seq then
  return { 1, 0 }
end
local recovered = true
local min_ts = tonumber(ARGV[3]) - tonumber(ARGV[4])

-- A cursor older than the horizon (ARGV 7) is not recovered: meta keys (what an expired stream
-- was trimmed through) expire after a day, and group memberships lapse, so events it missed may
-- be recorded nowhere any more. 'forgotten' is the first position published after the horizon
-- (the first checkpoint of a bucket starting after it, else the last position published: nothing
-- was published since, so a cursor at it missed nothing), once a checkpoint of a bucket wholly
-- before it shows the record reaches back that far; until then (a deployment younger than the
-- horizon, or just upgraded from a release without checkpoints) it is 0.
local bucket_ms = tonumber(ARGV[6])
local horizon = tonumber(ARGV[3]) - tonumber(ARGV[7])
local checkpoints = redis.call('HGETALL', KEYS[3])
local reaches_back = false
local forgotten = nil
local last_published = seq
for i = 1, #checkpoints, 2 do
  local s = tonumber(checkpoints[i])
  local p = tonumber(checkpoints[i + 1])
  if s == nil then
    last_published = p
  elseif s + bucket_ms <= horizon then
    reaches_back = true
  elseif s > horizon and (forgotten == nil or p < forgotten) then
    forgotten = p
  end
end
if not reaches_back then
  forgotten = 0
elseif forgotten == nil then
  forgotten = last_published
end

local max_bytes = tonumber(ARGV[8])
local out = { 1, 0 }
local target = 0
for i = 4, #KEYS, 2 do
  target = target + 1
  local stream = KEYS[i]
  local from = after
  local joined = tonumber(ARGV[8 + target] or '0')
  if joined > from then
    from = joined
  end
  if from < forgotten then
    recovered = false
  end
  local trimmed = tonumber(redis.call('HGET', KEYS[i + 1], 'trimmed') or '0')
  if redis.call('EXISTS', stream) == 0 then
    -- Expired as a whole: everything it held is gone (the publish that creates it again records
    -- this 'last' as trimmed).
    local last = tonumber(redis.call('HGET', KEYS[i + 1], 'last') or '0')
    if last > trimmed then
      trimmed = last
    end
  else
    local max = tonumber(ARGV[5])
    local entries = redis.call('XREVRANGE', stream, '+', '(' .. entry_id(from), 'COUNT', max + 1)
    if #entries > max then
      recovered = false
    end
    local bytes = 0
    for j = 1, #entries do
      local pos = entry_position(entries[j][1])
      local fields = entries[j][2]
      local ts = tonumber(entry_field(fields, 't') or '0')
      if ts < min_ts then
        -- Older than retention: counts as trimmed even if no publish has removed it yet.
        if pos > trimmed then
          trimmed = pos
        end
      else
        local name = entry_field(fields, 'n') or ''
        local data = entry_field(fields, 'd') or ''
        bytes = bytes + #name + #data
        if bytes > max_bytes then
          -- The newest entries fill the replay budget; the older ones are left out.
          recovered = false
          break
        end
        out[#out + 1] = target
        out[#out + 1] = pos
        out[#out + 1] = name
        out[#out + 1] = data
        out[#out + 1] = entry_field(fields, 'k') or ''
      end
    end
  end
  if trimmed > from then
    recovered = false
  end
end
if recovered then
  out[2] = 1
end
return out
