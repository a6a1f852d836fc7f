using OrleansSse.Backplane;
using OrleansSse.Tests;

namespace OrleansSse.Redis.Tests;

public sealed class RedisRetentionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task TrimmingByCountMakesOlderCursorsUnrecoverable()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 1, new RetentionOptions { MaxEventsPerStream = 3 });
        var backplane = silos[0];
        var receipts = new List<PublishReceipt>();
        for (var i = 1; i <= 5; i++)
        {
            receipts.Add(await backplane.PublishAsync(SseTarget.Client("gina"), "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var tooOld = await backplane.ReadHistoryAsync([SseTarget.Client("gina")], receipts[0].Cursor);
        Assert.False(tooOld.Recovered);
        Assert.Equal(["3", "4", "5"], tooOld.Events.Select(e => e.Data));

        var justKept = await backplane.ReadHistoryAsync([SseTarget.Client("gina")], receipts[1].Cursor);
        Assert.True(justKept.Recovered);
        Assert.Equal(["3", "4", "5"], justKept.Events.Select(e => e.Data));

        // A target that lost nothing does not spoil a target that did, and vice versa.
        var mixed = await backplane.ReadHistoryAsync([SseTarget.Client("gina"), SseTarget.All], receipts[0].Cursor);
        Assert.False(mixed.Recovered);
    }

    [Fact]
    public async Task TrimmingByAgeMakesOlderCursorsUnrecoverable()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silos = await BackplaneSet.CreateAsync(redis, 1, new RetentionOptions { MaxAge = TimeSpan.FromMinutes(1) }, clock);
        var backplane = silos[0];
        var start = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "old");
        var afterOld = await backplane.GetCurrentAsync();

        clock.Advance(TimeSpan.FromSeconds(61));

        // Expired entries count as trimmed on read, before any publish removed them.
        var read = await backplane.ReadHistoryAsync([SseTarget.Group("g")], start);
        Assert.False(read.Recovered);
        Assert.Empty(read.Events);

        await backplane.PublishAsync(SseTarget.Group("g"), "n", "new");
        var afterTrim = await backplane.ReadHistoryAsync([SseTarget.Group("g")], start);
        Assert.False(afterTrim.Recovered);
        Assert.Equal(["new"], afterTrim.Events.Select(e => e.Data));

        var recent = await backplane.ReadHistoryAsync([SseTarget.Group("g")], afterOld);
        Assert.True(recent.Recovered);
        Assert.Equal(["new"], recent.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task ExpiredStreamMakesOlderCursorsUnrecoverable()
    {
        var options = redis.CreateOptions();
        await using var backplane = new RedisBackplane(options);
        var start = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Client("hank"), "n", "1");

        // What PEXPIRE does to an idle stream.
        Assert.Equal(":1", redis.Send($"DEL {{{options.KeyPrefix}}}:stream:client:hank"));

        var history = await backplane.ReadHistoryAsync([SseTarget.Client("hank")], start);
        Assert.False(history.Recovered);
        Assert.Empty(history.Events);
    }

    [Fact]
    public async Task CursorOlderThanExpiredMetaKeysIsStillNotRecovered()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = redis.CreateOptions();
        await using var backplane = new RedisBackplane(options, time: clock);
        var start = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Client("away"), "n", "lost");

        // A day and more later, Redis has expired the stream and then its meta key as well.
        clock.Advance(options.Retention.MaxAge + options.StreamExpiryMargin + options.TrimmedMarkerLifetime + TimeSpan.FromHours(2));
        Assert.Equal(":2", redis.Send($"DEL {{{options.KeyPrefix}}}:stream:client:away {{{options.KeyPrefix}}}:meta:client:away"));
        await backplane.PublishAsync(SseTarget.All, "n", "today");
        var today = await backplane.GetCurrentAsync();

        Assert.False((await backplane.ReadHistoryAsync([SseTarget.Client("away")], start)).Recovered);
        Assert.True((await backplane.ReadHistoryAsync([SseTarget.Client("away")], today)).Recovered);
    }

    [Fact]
    public async Task CheckpointsKeepOnlyTheHoursBackToTheHorizon()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = redis.CreateOptions();
        await using var backplane = new RedisBackplane(options, time: clock);
        for (var hour = 0; hour < 60; hour++)
        {
            await backplane.PublishAsync(SseTarget.All, "n", "x");
            clock.Advance(TimeSpan.FromHours(1));
        }

        // The default horizon (the lapse horizon, 22 h: a day less two hourly refreshes) spans 22 or
        // 23 hourly buckets, depending on where the hours fall, plus the two wholly before it that
        // are kept and 'last'.
        var held = int.Parse(redis.Send($"HLEN {{{options.KeyPrefix}}}:checkpoints").TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(held, 25, 26);
    }

    [Fact]
    public async Task CheckpointsReachBackOnlyAsFarAsTheShortestHorizonNeeds()
    {
        // Lifetime 10 min: the lapse horizon is 5 min, in buckets of 18.75 s.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var options = redis.CreateOptions(retention: new RetentionOptions { MembershipLifetime = TimeSpan.FromMinutes(10) });
        await using var backplane = new RedisBackplane(options, time: clock);
        for (var i = 0; i < 600; i++)
        {
            await backplane.PublishAsync(SseTarget.All, "n", "x");
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        // 16 buckets within the horizon, the one it falls in, two wholly before it, and 'last'.
        var held = int.Parse(redis.Send($"HLEN {{{options.KeyPrefix}}}:checkpoints").TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(held, 18, 21);
    }

    [Fact]
    public async Task StreamsMarkersAndMembershipsExpire()
    {
        var options = redis.CreateOptions();
        await using var backplane = new RedisBackplane(options);
        await backplane.PublishAsync(SseTarget.Client("ivy"), "n", "1");
        await backplane.AddToGroupAsync("g", "ivy");

        // PTTL is -2 for a missing key and -1 for one without expiry: both fail the range. The
        // lower bounds leave a minute for the test to get here.
        var streamExpiry = (long)(options.Retention.MaxAge + options.StreamExpiryMargin).TotalMilliseconds;
        var metaExpiry = streamExpiry + (long)options.TrimmedMarkerLifetime.TotalMilliseconds;
        Assert.InRange(Ttl(options.KeyPrefix, "stream:client:ivy"), streamExpiry - 60_000, streamExpiry);
        Assert.InRange(Ttl(options.KeyPrefix, "meta:client:ivy"), metaExpiry - 60_000, metaExpiry);
        foreach (var key in new[] { "members:g", "groups:ivy", "joined:ivy" })
        {
            var ttl = Ttl(options.KeyPrefix, key);
            Assert.InRange(ttl, 1, (long)options.Retention.MembershipLifetime.TotalMilliseconds);
        }
    }

    [Fact]
    public async Task MembershipsDoNotExpireWhenTheirLifetimeIsZero()
    {
        var options = redis.CreateOptions(retention: new RetentionOptions { MembershipLifetime = TimeSpan.Zero });
        await using var backplane = new RedisBackplane(options);
        await backplane.AddToGroupAsync("g", "ivy");
        await backplane.RefreshMembershipsAsync(["ivy"]);

        Assert.Equal(-1, Ttl(options.KeyPrefix, "members:g"));
        Assert.Equal(-1, Ttl(options.KeyPrefix, "groups:ivy"));
        Assert.Equal(-1, Ttl(options.KeyPrefix, "joined:ivy"));
    }

    [Fact]
    public async Task UnknownEpochIsNotRecovered()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 1);
        await silos[0].PublishAsync(SseTarget.All, "n", "1");

        var history = await silos[0].ReadHistoryAsync([SseTarget.All], new EventCursor("zzzzzzzz", 0));

        Assert.False(history.Recovered);
        Assert.Empty(history.Events);
    }

    [Fact]
    public async Task FuturePositionIsNotRecovered()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 1);
        var current = (await silos[0].PublishAsync(SseTarget.All, "n", "1")).Cursor;

        var history = await silos[0].ReadHistoryAsync([SseTarget.All], current with { Position = current.Position + 10 });

        Assert.False(history.Recovered);
        Assert.Empty(history.Events);
    }

    private long Ttl(string prefix, string key) =>
        long.Parse(redis.Send($"PTTL {{{prefix}}}:{key}").TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
}
