-- Shared prelude, prepended to every OrleansSse script by RedisScripts.
--
-- Backplane wire format, version 2 (see RedisProtocol.cs, which decodes it):
--   a sequence of fields, each "<byte length>:<bytes>" (no separators):
--   version ("2"), kind (0 event, 1 group joined, 2 group left, 3 disconnect), position,
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
