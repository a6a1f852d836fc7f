-- Shared prelude, prepended to every OrleansSse script by RedisScripts.
--
-- Backplane wire format, version 2 (see RedisProtocol.cs, which decodes it):
--   a sequence of fields, each "<byte length>:<bytes>" (no separators):
--   version ("2"), kind (0 event, 1 group joined, 2 group left, 3 disconnect, 4 watermark), position,
--   epoch, target kind (1 client, 2 group, 3 all), target key, name, data,
--   coalesce key (empty: none; version 1 ends before it).
-- Later versions may append fields; readers ignore fields they do not know.

local function field(s)
  if type(s) == 'number' then
    s = string.format('%d', s)
  end
  return #s .. ':' .. s
end

local function wire(kind, pos, epoch, target_kind, target_key, name, data, coalesce_key)
  return field('2') .. field(kind) .. field(pos) .. field(epoch) ..
    field(target_kind) .. field(target_key) .. field(name) .. field(data) .. field(coalesce_key or '')
end

-- The epoch key names the current history; a Redis that lost its data has none, so a new one
-- (made by the caller) is stored and every older cursor stops matching.
local function ensure_epoch(epoch_key, new_epoch)
  local epoch = redis.call('GET', epoch_key)
  if not epoch then
    epoch = new_epoch
    redis.call('SET', epoch_key, epoch)
  end
  return epoch
end

-- The checkpoints hash: the first position published in each time bucket (field: the bucket's
-- start, unix ms) and the last one published ('last'), so history.lua can tell how old a cursor
-- is. Of the buckets wholly older than the horizon, the newest two are kept: they prove the record
-- reaches back that far, even for a reader whose clock is a little behind.
local function record_checkpoint(key, now, pos, bucket_ms, horizon_ms)
  local bucket_start = now - (now % bucket_ms)
  redis.call('HSET', key, 'last', pos)
  if redis.call('HSETNX', key, string.format('%d', bucket_start), pos) == 1 then
    local keep_back = now - horizon_ms
    local old = {}
    local starts = redis.call('HKEYS', key)
    for i = 1, #starts do
      local s = tonumber(starts[i])
      if s and s + bucket_ms <= keep_back then
        old[#old + 1] = s
      end
    end
    table.sort(old)
    for i = 1, #old - 2 do
      redis.call('HDEL', key, string.format('%d', old[i]))
    end
  end
end

-- Stream entry id of a position. string.format keeps large positions out of exponent notation.
local function entry_id(pos)
  return string.format('%d-0', pos)
end

local function entry_position(id)
  return tonumber(string.match(id, '^(%d+)'))
end

local function entry_field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then
      return fields[i + 1]
    end
  end
  return nil
end

-- Group memberships. members:{group} (client -> deadline) and groups:{client} (group -> deadline)
-- are sorted sets scored by each membership's deadline: unix ms on the writer's clock, or '+inf'
-- when memberships never lapse. A membership whose deadline is at or before now has lapsed. The
-- scripts get now (ms) and the deadline of a join or refresh made now from the caller. Each
-- script leaves every membership key it touched settled: lapsed entries removed, the key
-- expiring (PEXPIRE) at its latest deadline (no expiry for '+inf'), an empty key deleted.

local function ms(n)
  return string.format('%d', n)
end

-- A key stored by a release before memberships lapsed is a plain set: it becomes a sorted set in
-- place, every entry with the given deadline (so existing memberships are kept for a lifetime).
local function upgrade_membership_key(key, deadline)
  if redis.call('TYPE', key).ok ~= 'set' then
    return
  end
  local items = redis.call('SMEMBERS', key)
  redis.call('DEL', key)
  for i = 1, #items, 500 do
    local args = {}
    for j = i, math.min(i + 499, #items) do
      args[#args + 1] = deadline
      args[#args + 1] = items[j]
    end
    redis.call('ZADD', key, unpack(args))
  end
end

-- Sets key's expiry at its latest deadline. Returns that expiry in ms (-1: none), or nil when the
-- key is empty (Redis deleted it).
local function expire_at_latest(key, now)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #last == 0 then
    return nil
  end
  if last[2] == 'inf' then
    redis.call('PERSIST', key)
    return -1
  end
  local ttl = tonumber(last[2]) - now
  redis.call('PEXPIRE', key, ms(ttl))
  return ttl
end

-- A group's members: upgraded if needed, lapsed members removed, expiry at the latest deadline.
local function settle_group(members_key, now, deadline)
  upgrade_membership_key(members_key, deadline)
  redis.call('ZREMRANGEBYSCORE', members_key, '-inf', ms(now))
  expire_at_latest(members_key, now)
end

-- A client's groups expire at their latest deadline and its join positions with them (deleted
-- when no group is left).
local function expire_client(groups_key, joined_key, now)
  local ttl = expire_at_latest(groups_key, now)
  if ttl == nil then
    redis.call('DEL', joined_key)
  elseif ttl < 0 then
    redis.call('PERSIST', joined_key)
  else
    redis.call('PEXPIRE', joined_key, ms(ttl))
  end
end

-- A client's groups and join positions: as settle_group, and a lapsed group's join position goes
-- with it; the joined hash expires with the groups (and is deleted when none is left).
local function settle_client(groups_key, joined_key, now, deadline)
  upgrade_membership_key(groups_key, deadline)
  local lapsed = redis.call('ZRANGEBYSCORE', groups_key, '-inf', ms(now))
  for i = 1, #lapsed, 500 do
    redis.call('HDEL', joined_key, unpack(lapsed, i, math.min(i + 499, #lapsed)))
  end
  redis.call('ZREMRANGEBYSCORE', groups_key, '-inf', ms(now))
  expire_client(groups_key, joined_key, now)
end

-- The members (or groups) of a settled key whose membership has not lapsed.
local function current_members(key, now)
  return redis.call('ZRANGEBYSCORE', key, '(' .. ms(now), '+inf')
end
