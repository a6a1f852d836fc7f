using System.Globalization;
using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>
/// The in-memory backplane forgets a stream once its newest event is older than the maximum age
/// (as Redis expires the key), keeping only what it was trimmed through, so memory follows the
/// targets that received events recently, not every client id ever seen; likewise it forgets the
/// group memberships of clients that stayed away for the membership lifetime.
/// </summary>
public sealed class InMemoryBackplaneExpiryTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task StreamsOfClientsThatReceivedNothingForMaxAgeAreDropped()
    {
        var backplane = NewBackplane();
        for (var i = 0; i < 1000; i++)
        {
            await backplane.PublishAsync(SseTarget.Client("c" + i.ToString(CultureInfo.InvariantCulture)), "message", "x");
        }

        Assert.Equal((1000, 0), backplane.Retained);

        _clock.Advance(MaxAge + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "later");

        Assert.Equal((1, 1000), backplane.Retained);

        _clock.Advance(InMemoryStreams.MarkerLifetime + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "a day later");

        Assert.Equal((1, 0), backplane.Retained);
    }

    [Fact]
    public async Task StreamThatStillReceivesIsKept()
    {
        var backplane = NewBackplane();
        var client = SseTarget.Client("kept");
        var start = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(client, "message", "1");
        _clock.Advance(MaxAge / 2);
        await backplane.PublishAsync(client, "message", "2");
        _clock.Advance(MaxAge / 2 + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep");

        var history = await backplane.ReadHistoryAsync([client], start);

        // "1" aged out, "2" did not: the stream is still there, and says what it lost.
        Assert.Equal(2, backplane.Retained.Streams);
        Assert.False(history.Recovered);
        Assert.Equal(["2"], history.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task CursorOlderThanADroppedStreamIsNotRecovered()
    {
        var backplane = NewBackplane();
        var client = SseTarget.Client("gone");
        var before = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(client, "message", "lost");
        var after = await backplane.GetCurrentAsync();

        _clock.Advance(MaxAge + TimeSpan.FromSeconds(1));
        var older = await backplane.ReadHistoryAsync([client], before);
        var newer = await backplane.ReadHistoryAsync([client], after);

        Assert.Equal(0, backplane.Retained.Streams);
        Assert.False(older.Recovered);
        Assert.Empty(older.Events);
        Assert.True(newer.Recovered);
        Assert.Empty(newer.Events);
    }

    [Fact]
    public async Task StreamThatComesBackRemembersWhatItsExpiredPredecessorLost()
    {
        var backplane = NewBackplane();
        var client = SseTarget.Client("back");
        var before = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(client, "message", "lost");
        var afterLost = await backplane.GetCurrentAsync();
        _clock.Advance(MaxAge + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(client, "message", "new");

        var older = await backplane.ReadHistoryAsync([client], before);
        var newer = await backplane.ReadHistoryAsync([client], afterLost);

        Assert.Equal((1, 0), backplane.Retained);
        Assert.False(older.Recovered);
        Assert.Equal(["new"], older.Events.Select(e => e.Data));
        Assert.True(newer.Recovered);
        Assert.Equal(["new"], newer.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task MarkerOfAStreamThatCameBackAndExpiredAgainOutlivesTheFirstOnesLifetime()
    {
        var backplane = NewBackplane();
        var client = SseTarget.Client("twice");
        await backplane.PublishAsync(client, "message", "first");
        _clock.Advance(MaxAge + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep 1");
        var beforeSecond = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(client, "message", "second");

        // The first marker was made here; the second one half a day later.
        _clock.Advance(InMemoryStreams.MarkerLifetime / 2);
        await backplane.PublishAsync(SseTarget.All, "message", "sweep 2");
        _clock.Advance(InMemoryStreams.MarkerLifetime / 2 + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep 3");

        var history = await backplane.ReadHistoryAsync([client], beforeSecond);
        Assert.Equal(1, backplane.Retained.Markers);
        Assert.False(history.Recovered);
    }

    [Fact]
    public async Task CursorOlderThanAForgottenMarkerIsStillNotRecovered()
    {
        // Memberships never lapse here: a day-old cursor is not judged by its age alone.
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxAge = MaxAge, MembershipLifetime = TimeSpan.Zero }, _clock);
        var client = SseTarget.Client("away");
        var before = await backplane.GetCurrentAsync();
        await backplane.PublishAsync(client, "message", "lost");
        var afterLost = await backplane.GetCurrentAsync();
        _clock.Advance(MaxAge + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep: the stream goes, its marker stays");
        _clock.Advance(InMemoryStreams.MarkerLifetime + TimeSpan.FromSeconds(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep: the marker goes");
        Assert.Equal((1, 0), backplane.Retained);

        var older = await backplane.ReadHistoryAsync([client], before);
        var newer = await backplane.ReadHistoryAsync([client], afterLost);
        Assert.False(older.Recovered);
        Assert.True(newer.Recovered);

        // A stream made for the target afterwards knows nothing of the loss; the cursor still tells.
        await backplane.PublishAsync(client, "message", "back");
        var olderAgain = await backplane.ReadHistoryAsync([client], before);
        Assert.False(olderAgain.Recovered);
        Assert.Equal(["back"], olderAgain.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task MembershipsOfClientsThatStayedAwayAreDroppedByAnyOperation()
    {
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxAge = MaxAge, MembershipLifetime = TimeSpan.FromHours(1) }, _clock);
        for (var i = 0; i < 1000; i++)
        {
            var id = i.ToString(CultureInfo.InvariantCulture);
            await backplane.AddToGroupAsync("g" + (i % 10).ToString(CultureInfo.InvariantCulture), "c" + id);
        }

        Assert.Equal((1000, 10, 1000), backplane.MembershipsHeld);
        _clock.Advance(TimeSpan.FromMinutes(45));
        await backplane.RefreshMembershipsAsync(["c0"]);
        _clock.Advance(TimeSpan.FromMinutes(16));
        await backplane.PublishAsync(SseTarget.All, "message", "any operation sweeps");

        Assert.Equal((1, 1, 1), backplane.MembershipsHeld);

        _clock.Advance(TimeSpan.FromHours(1));
        await backplane.PublishAsync(SseTarget.All, "message", "an hour later");

        Assert.Equal((0, 0, 0), backplane.MembershipsHeld);
    }

    [Fact]
    public async Task JoiningAndLeavingOverAndOverKeepsOneQueueEntryPerClient()
    {
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxAge = MaxAge, MembershipLifetime = TimeSpan.FromHours(1) }, _clock);
        for (var i = 0; i < 1000; i++)
        {
            await backplane.AddToGroupAsync("room", "churner");
            await backplane.RemoveFromGroupAsync("room", "churner");
        }

        Assert.Equal(1, backplane.MembershipsQueued);
        Assert.Equal((0, 0, 1), backplane.MembershipsHeld);

        _clock.Advance(TimeSpan.FromHours(1));
        await backplane.PublishAsync(SseTarget.All, "message", "sweep");
        Assert.Equal(0, backplane.MembershipsQueued);
        Assert.Equal((0, 0, 0), backplane.MembershipsHeld);
    }

    private InMemoryBackplane NewBackplane() => new(new RetentionOptions { MaxAge = MaxAge }, _clock);
}
