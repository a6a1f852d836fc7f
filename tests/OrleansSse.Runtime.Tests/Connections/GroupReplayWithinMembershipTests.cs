using OrleansSse.Backplane;
using OrleansSse.Connections;
using static OrleansSse.Tests.Connections.RegistryStreams;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A group's events are replayed to a client only from its join and up to its leave, also when the
/// join or the leave lands while a resume reads the client's memberships or a join reads its history.
/// </summary>
public sealed class GroupReplayWithinMembershipTests
{
    [Fact]
    public async Task GroupJoinedWhileAResumeReadsMemberships_IsReplayedFromTheJoinNotFromTheCursor()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        var cursor = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Group("late"), "n", "pre-join", null);
        backplane.AfterMembershipRead = async () =>
        {
            await backplane.AddToGroupAsync("late", "cy");
            await backplane.PublishAsync(SseTarget.Group("late"), "n", "post-join", null);
        };
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("cy", cursor, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        await backplane.PublishAsync(SseTarget.Client("cy"), "n", "end", null);
        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);

        Assert.True(opened.Recovered);
        Assert.DoesNotContain("pre-join", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("data: post-join").Length); // once (live and by its join's replay)
    }

    [Fact]
    public async Task GroupJoinedWhileAResumeReadsMemberships_WithItsPreJoinHistoryTrimmed_KeepsTheResumeRecovered()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane(new RetentionOptions { MaxEventsPerStream = 1 }));
        var cursor = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Group("late"), "n", "pre-1", null);
        await backplane.PublishAsync(SseTarget.Group("late"), "n", "pre-2", null); // trims pre-1
        backplane.AfterMembershipRead = () => backplane.AddToGroupAsync("late", "cy");
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("cy", cursor, CancellationToken.None);
        await registry.CloseAsync(opened.Connection);

        Assert.True(opened.Recovered); // nothing addressed to cy after its cursor was lost
    }

    [Fact]
    public async Task GroupLeftWhileAResumeReadsMemberships_IsReplayedUpToTheLeave()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("team", "ann");
        var cursor = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(SseTarget.Group("team"), "n", "while-member", null);
        backplane.AfterMembershipRead = async () =>
        {
            await backplane.RemoveFromGroupAsync("team", "ann");
            await backplane.PublishAsync(SseTarget.Group("team"), "n", "after-leave", null);
        };
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("ann", cursor, CancellationToken.None);
        await registry.CloseAsync(opened.Connection);

        Assert.True(opened.Recovered);
        Assert.Equal(["while-member"], opened.History.Select(f => Text(f).Split("data: ")[1].TrimEnd('\n')));
        Assert.DoesNotContain(SseTarget.Group("team"), opened.Connection.Targets);
    }

    [Fact]
    public async Task GroupLeftBeforeItsJoinReadTheGroupsHistory_IsReplayedOnlyUpToTheLeave()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("dan", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        backplane.BeforeGroupHistoryRead = async () =>
        {
            await backplane.PublishAsync(SseTarget.Group("g"), "n", "while-member", null);
            await backplane.RemoveFromGroupAsync("g", "dan");
            await backplane.PublishAsync(SseTarget.Group("g"), "n", "after-leave", null);
        };

        await backplane.AddToGroupAsync("g", "dan");
        await backplane.PublishAsync(SseTarget.Client("dan"), "n", "end", null);
        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);

        Assert.Contains("data: while-member", text, StringComparison.Ordinal);
        Assert.DoesNotContain("after-leave", text, StringComparison.Ordinal);
        Assert.Equal(CloseReason.None, opened.Connection.CloseReason);
    }
}
