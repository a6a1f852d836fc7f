using OrleansSse.Backplane;
using OrleansSse.Connections;
using static OrleansSse.Tests.Connections.RegistryStreams;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// After a backplane outage every open stream catches up from history. Group memberships changed
/// during the outage without the stream seeing it: the catch-up either replays what was the
/// client's or ends the stream (HistoryLost) so the client resumes and is told "recovered": false.
/// </summary>
public sealed class OutageCatchUpTests
{
    [Fact]
    public async Task GroupLeftDuringTheOutage_AfterPublishingToTheClient_EndsTheStreamAsHistoryLost()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("g", "eve");
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("eve", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());

        backplane.Down = true;
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "while-member", null); // eve's, lost live
        await backplane.RemoveFromGroupAsync("g", "eve");                               // unseen
        backplane.Restore();

        await WrittenUntilEndAsync(opened.Connection);
        await registry.CloseAsync(opened.Connection);
        Assert.Equal(CloseReason.HistoryLost, opened.Connection.CloseReason);
    }

    [Fact]
    public async Task GroupLeftAndJoinedAgainDuringTheOutage_AfterPublishingToTheClient_EndsTheStreamAsHistoryLost()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("g", "eve");
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("eve", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());

        backplane.Down = true;
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "while-member", null);
        await backplane.RemoveFromGroupAsync("g", "eve");
        await backplane.AddToGroupAsync("g", "eve"); // a new membership, from a later join
        backplane.Restore();

        await WrittenUntilEndAsync(opened.Connection);
        await registry.CloseAsync(opened.Connection);
        Assert.Equal(CloseReason.HistoryLost, opened.Connection.CloseReason);
    }

    [Fact]
    public async Task GroupLeftDuringTheOutage_WithoutPublishing_KeepsTheStream()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("g", "eve");
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("eve", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());

        backplane.Down = true;
        await backplane.PublishAsync(SseTarget.Client("eve"), "n", "direct", null);
        await backplane.RemoveFromGroupAsync("g", "eve");
        backplane.Restore();
        await backplane.PublishAsync(SseTarget.Client("eve"), "n", "end", null);

        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);
        Assert.Contains("data: direct", text, StringComparison.Ordinal);
        Assert.Equal(CloseReason.None, opened.Connection.CloseReason);
        Assert.DoesNotContain(SseTarget.Group("g"), opened.Connection.Targets);
    }

    [Fact]
    public async Task GroupJoinedLiveAfterTheStreamsLastEvent_IsCaughtUpFromItsJoin_WithoutEndingTheStream()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("eve", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "pre-join", null); // not eve's
        await backplane.AddToGroupAsync("g", "eve");                               // seen live

        backplane.Down = true;
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "during-outage", null);
        backplane.Restore();
        await backplane.PublishAsync(SseTarget.Client("eve"), "n", "end", null);

        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);
        Assert.DoesNotContain("pre-join", text, StringComparison.Ordinal);
        Assert.Contains("data: during-outage", text, StringComparison.Ordinal);
        Assert.Equal(CloseReason.None, opened.Connection.CloseReason);
    }

    [Fact]
    public async Task GroupJoinedWhileTheCatchUpReadsMemberships_IsReplayedFromTheJoinNotFromTheStreamsLastEvent()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("eve", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());

        backplane.Down = true;
        await backplane.PublishAsync(SseTarget.Group("late"), "n", "pre-join", null);
        backplane.AfterMembershipRead = async () =>
        {
            await backplane.AddToGroupAsync("late", "eve");
            await backplane.PublishAsync(SseTarget.Group("late"), "n", "post-join", null);
        };
        backplane.Restore();
        await backplane.PublishAsync(SseTarget.Client("eve"), "n", "end", null);

        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);
        Assert.DoesNotContain("pre-join", text, StringComparison.Ordinal);
        Assert.Contains("data: post-join", text, StringComparison.Ordinal);
        Assert.Equal(CloseReason.None, opened.Connection.CloseReason);
    }
}
