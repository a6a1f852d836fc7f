-- Whether any silo follows a client's channel (silos subscribe it only while they hold a connection).
-- ARGV: 1 client channel
-- Returns: subscriber count
return redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]
