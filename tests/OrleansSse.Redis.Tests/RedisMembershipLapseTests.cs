using System.Globalization;
using OrleansSse.Backplane;
using OrleansSse.Tests;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// How memberships lapse in Redis: key expiry at the latest deadline, and keys of the layout before
/// memberships lapsed (plain sets, no expiry) upgraded in place by whichever script meets them, so
/// a rolling upgrade keeps existing memberships, for a lifetime from then.
/// </summary>
public sealed class RedisMembershipLapseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task MembershipKeysExpireAtTheirLatestDeadline()
    {
        await using var silos = await CreateAsync();
        await silos[0].AddToGroupAsync("early", "ann");
        _clock.Advance(Lifetime / 2);
        await silos[0].AddToGroupAsync("early", "bob");
        await silos[0].AddToGroupAsync("late", "ann");

        // Redis's own clock moves a few ms meanwhile, the manual one by hours.
        var full = (long)Lifetime.TotalMilliseconds;
        Assert.InRange(Ttl("members:early"), full - 5_000, full);
        Assert.InRange(Ttl("groups:ann"), full - 5_000, full);
        Assert.InRange(Ttl("joined:ann"), full - 5_000, full);

        _clock.Advance((Lifetime / 2) + TimeSpan.FromSeconds(1));
        Assert.Equal(["bob"], await silos[1].GetGroupMembersAsync("early"));
        Assert.Equal(["late"], await silos[1].GetClientGroupsAsync("ann"));
        var rest = full / 2 - 1_000;
        Assert.InRange(Ttl("members:early"), rest - 5_000, rest);
        Assert.InRange(Ttl("groups:ann"), rest - 5_000, rest);
        Assert.InRange(Ttl("joined:ann"), rest - 5_000, rest);
    }

    [Fact]
    public async Task OldLayoutMembershipsAreUpgradedOnReadAndLapseALifetimeLater()
    {
        await using var silos = await CreateAsync();
        var before = await silos[0].PublishAsync(SseTarget.Group("old"), "message", "x");

        // What an earlier release stored: plain sets without expiry, a join position for one group.
        Send("SADD", "groups:legacy", "old", "other");
        Send("SADD", "members:old", "legacy", "peer");
        Send("SADD", "members:other", "legacy");
        Send("HSET", "joined:legacy", "old", before.Cursor.Position.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(["legacy", "peer"], await silos[1].GetGroupMembersAsync("old"));
        Assert.Equal([new GroupMembership("old", before.Cursor.Position), new GroupMembership("other", 0)], await silos[1].GetClientMembershipsAsync("legacy"));
        Assert.Equal("+zset", Send("TYPE", "members:old"));
        Assert.Equal("+zset", Send("TYPE", "groups:legacy"));
        Assert.InRange(Ttl("members:old"), 1, (long)Lifetime.TotalMilliseconds);
        Assert.InRange(Ttl("joined:legacy"), 1, (long)Lifetime.TotalMilliseconds);

        _clock.Advance(Lifetime + TimeSpan.FromSeconds(1));

        Assert.Empty(await silos[0].GetGroupMembersAsync("old"));
        Assert.Empty(await silos[0].GetClientGroupsAsync("legacy"));
        Assert.Equal(":0", Send("EXISTS", "members:old", "groups:legacy", "joined:legacy"));
    }

    [Fact]
    public async Task OldLayoutKeysAreUpgradedByEveryWritePath()
    {
        await using var silos = await CreateAsync();
        Send("SADD", "members:joined", "first");
        Send("SADD", "groups:first", "joined");
        Send("SADD", "members:limited", "second");
        Send("SADD", "groups:leaver", "left", "kept");
        Send("SADD", "members:left", "leaver");
        Send("SADD", "groups:online", "room");
        Send("SADD", "members:room", "online", "away");

        await silos[0].AddToGroupAsync("joined", "newcomer");
        Assert.True((await silos[0].AddToGroupsWithinLimitAsync("third", ["limited"], maxGroups: 1)).Joined);
        await silos[0].RemoveFromGroupAsync("left", "leaver");
        Assert.Equal(["away", "online"], await silos[0].GetGroupMembersAsync("room")); // upgraded now: lapse a lifetime from now
        _clock.Advance(Lifetime * 3 / 4);
        await silos[1].RefreshMembershipsAsync(["online"]);

        Assert.Equal(["first", "newcomer"], await silos[1].GetGroupMembersAsync("joined"));
        Assert.Equal(["second", "third"], await silos[1].GetGroupMembersAsync("limited"));
        Assert.Equal(["kept"], await silos[1].GetClientGroupsAsync("leaver"));
        Assert.Empty(await silos[1].GetGroupMembersAsync("left"));

        // The refresh kept the online client's membership past the lifetime; the others lapsed.
        _clock.Advance(Lifetime / 2);
        Assert.Equal(["online"], await silos[0].GetGroupMembersAsync("room"));
        Assert.Equal(["room"], await silos[0].GetClientGroupsAsync("online"));
        Assert.Empty(await silos[0].GetGroupMembersAsync("joined"));
    }

    [Fact]
    public async Task AJoinOrRefreshNeverShortensALaterDeadline()
    {
        await using var forever = new BackplaneSet(await redis.CreateBackplanesAsync(1, new RetentionOptions { MembershipLifetime = TimeSpan.Zero }, _clock, _prefix));
        await using var silos = await CreateAsync();
        await forever[0].AddToGroupAsync("room", "kim");

        await silos[0].AddToGroupAsync("room", "kim");
        await silos[0].RefreshMembershipsAsync(["kim"]);
        _clock.Advance(Lifetime * 2);

        Assert.Equal(["kim"], await silos[1].GetGroupMembersAsync("room"));
        Assert.Equal(-1, Ttl("members:room"));
        Assert.Equal(-1, Ttl("groups:kim"));
    }

    [Fact]
    public async Task RefreshUnderLifetimeZeroMakesEarlierMembershipsPermanent()
    {
        await using var silos = await CreateAsync();
        await silos[0].AddToGroupAsync("room", "lee");
        await using var forever = new BackplaneSet(await redis.CreateBackplanesAsync(1, new RetentionOptions { MembershipLifetime = TimeSpan.Zero }, _clock, _prefix));

        await forever[0].RefreshMembershipsAsync(["lee"]);
        _clock.Advance(Lifetime * 2);

        Assert.Equal(["room"], await forever[0].GetClientGroupsAsync("lee"));
        Assert.Equal(-1, Ttl("members:room"));
        Assert.Equal(-1, Ttl("groups:lee"));
    }

    private async Task<BackplaneSet> CreateAsync() =>
        new(await redis.CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, _clock, _prefix));

    private string Send(string command, params string[] keyThenArgs) =>
        redis.Send($"{command} {string.Join(' ', keyThenArgs.Select((a, i) => i == 0 || (command == "EXISTS") ? $"{{{_prefix}}}:{a}" : a))}");

    private long Ttl(string key) => long.Parse(Send("PTTL", key).TrimStart(':'), CultureInfo.InvariantCulture);
}
