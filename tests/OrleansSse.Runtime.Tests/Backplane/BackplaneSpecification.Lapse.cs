using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

// Group memberships lapse once their client stayed away for the lifetime (no join, no refresh),
// and their storage is freed. Time moves by hand: deadlines use the backplanes' clock.
public abstract partial class BackplaneSpecification
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static ManualTimeProvider NewClock() => new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task MembershipOfAClientThatNeverConnectsLapsesAfterTheLifetimeAndIsFreed()
    {
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var (group, gone, later) = (Unique("g"), Unique("gone"), Unique("later"));
        await silos[0].AddToGroupAsync(group, gone);
        clock.Advance(Lifetime / 2);
        await silos[0].AddToGroupAsync(group, later);

        clock.Advance((Lifetime / 2) - TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { gone, later }.Order(StringComparer.Ordinal), await silos[1].GetGroupMembersAsync(group));
        Assert.Equal([group], await silos[1].GetClientGroupsAsync(gone));
        Assert.True(await MembershipStorageAsync(group, gone) > 0);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([later], await silos[1].GetGroupMembersAsync(group));
        Assert.Empty(await silos[0].GetClientGroupsAsync(gone));
        Assert.Empty(await silos[1].GetClientMembershipsAsync(gone));
        Assert.Equal([group], await silos[0].GetClientGroupsAsync(later));

        clock.Advance(Lifetime / 2);
        Assert.Empty(await silos[1].GetGroupMembersAsync(group));
        Assert.Empty(await silos[1].GetClientGroupsAsync(later));
        Assert.Equal(0, await MembershipStorageAsync(group, gone));
        Assert.Equal(0, await MembershipStorageAsync(group, later));
    }

    [Fact]
    public async Task ResumeFromBeforeAMembershipLapsedIsNotRecovered()
    {
        // Lifetime 1 h, refreshes every 15 min: a cursor older than 30 min may have lost a group's
        // events with a lapsed membership, and nothing records that loss.
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var (group, client) = (Unique("g"), Unique("away"));
        await silos[0].AddToGroupAsync(group, client);
        var cursor = (await silos[0].PublishAsync(SseTarget.Client(client), "message", "last seen")).Cursor;

        clock.Advance(TimeSpan.FromMinutes(59));
        await silos[0].PublishAsync(SseTarget.Group(group), "message", "missed");
        var recent = await silos[0].GetCurrentAsync();
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await silos[1].GetClientGroupsAsync(client));

        var resumed = await silos[1].ReadHistoryAsync([SseTarget.Client(client), SseTarget.All], cursor);
        var young = await silos[1].ReadHistoryAsync([SseTarget.Client(client), SseTarget.All], recent);
        Assert.False(resumed.Recovered);
        Assert.True(young.Recovered);
    }

    [Fact]
    public async Task OldCursorAfterWhichNothingWasPublishedIsRecovered()
    {
        // Past the lapse horizon a cursor is judged by age, but one at the last event published
        // missed nothing, however many positions joins took since.
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var client = Unique("quiet");
        var older = await silos[0].GetCurrentAsync();
        await silos[0].PublishAsync(SseTarget.All, "message", "first");
        var last = (await silos[0].PublishAsync(SseTarget.All, "message", "last")).Cursor;

        clock.Advance(Lifetime * 2);
        var (group, someone) = (Unique("g"), Unique("someone"));
        await silos[1].AddToGroupAsync(group, someone);
        await silos[1].RemoveFromGroupAsync(group, someone);

        Assert.True((await silos[1].ReadHistoryAsync([SseTarget.Client(client), SseTarget.All], last)).Recovered);
        Assert.False((await silos[1].ReadHistoryAsync([SseTarget.Client(client), SseTarget.All], older)).Recovered);
    }

    [Fact]
    public async Task RefreshedClientKeepsItsMembershipsForALifetimeFromTheRefresh()
    {
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var (first, second, online, away) = (Unique("g1"), Unique("g2"), Unique("online"), Unique("away"));
        var joined = await silos[0].AddToGroupAsync(first, online);
        await silos[0].AddToGroupAsync(second, online);
        await silos[0].AddToGroupAsync(first, away);

        clock.Advance(Lifetime * 3 / 4);
        await silos[1].RefreshMembershipsAsync([online, Unique("no-memberships")]);
        clock.Advance(Lifetime / 2);

        Assert.Equal([first, second], (await silos[0].GetClientGroupsAsync(online)).Order(StringComparer.Ordinal));
        Assert.Equal([online], await silos[0].GetGroupMembersAsync(first));
        Assert.Equal([online], await silos[1].GetGroupMembersAsync(second));
        Assert.Contains(new GroupMembership(first, joined), await silos[1].GetClientMembershipsAsync(online));

        clock.Advance((Lifetime / 2) + TimeSpan.FromSeconds(1));
        Assert.Empty(await silos[0].GetClientGroupsAsync(online));
        Assert.Empty(await silos[1].GetGroupMembersAsync(first));
    }

    [Fact]
    public async Task JoiningAgainPushesTheDeadlineAndKeepsTheJoinPosition()
    {
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var (group, client) = (Unique("g"), Unique("c"));
        var joined = await silos[0].AddToGroupAsync(group, client);

        clock.Advance(Lifetime * 3 / 4);
        await silos[1].AddToGroupsWithinLimitAsync(client, [group], maxGroups: 1);
        clock.Advance(Lifetime / 2);

        Assert.Equal([new GroupMembership(group, joined)], await silos[0].GetClientMembershipsAsync(client));
        Assert.Equal([client], await silos[1].GetGroupMembersAsync(group));
    }

    [Fact]
    public async Task JoiningAgainAfterALapseIsANewMembershipWithAFreshJoinPosition()
    {
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var (group, other, client) = (Unique("g"), Unique("other"), Unique("c"));
        var sink = await FollowAsync(silos[1], SseTarget.Client(client));
        var first = await silos[0].AddToGroupAsync(group, client);
        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));

        // A lapsed membership no longer counts toward a limit either.
        Assert.Equal(new GroupJoinResult(true, 1), await silos[1].AddToGroupsWithinLimitAsync(client, [other], maxGroups: 1));
        await silos[0].RemoveFromGroupAsync(other, client);
        var again = await silos[1].AddToGroupAsync(group, client);

        Assert.True(again > first);
        Assert.Equal([new GroupMembership(group, again)], await silos[0].GetClientMembershipsAsync(client));
        Assert.Equal([client], await silos[0].GetGroupMembersAsync(group));
        var announced = (await sink.TakeAsync(4)).Where(m => m.Kind == MessageKind.GroupJoined && m.Name == group).Select(m => m.Position);
        Assert.Equal([first, again], announced);
    }

    [Fact]
    public async Task MembershipsNeverLapseWhenTheLifetimeIsZero()
    {
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = TimeSpan.Zero }, clock);
        var (group, client) = (Unique("g"), Unique("c"));
        var joined = await silos[0].AddToGroupAsync(group, client);

        clock.Advance(TimeSpan.FromDays(3650));
        await silos[1].RefreshMembershipsAsync([client]);
        await silos[1].AddToGroupAsync(Unique("other"), Unique("c"));

        Assert.Equal([client], await silos[1].GetGroupMembersAsync(group));
        Assert.Equal([new GroupMembership(group, joined)], await silos[0].GetClientMembershipsAsync(client));
    }
}
