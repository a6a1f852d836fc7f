using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

// Resumes at the edges of what history records: a stream that expired as a whole and was created
// again by a later event, and cursors beyond the sequence.
public abstract partial class BackplaneSpecification
{
    /// <summary>
    /// Lets the backplanes' storage see <paramref name="elapsed"/> pass after a test moved their
    /// manual clock by as much: storage that expires on a clock of its own (Redis expires keys in
    /// real time) has its expiry brought that much closer; storage that reads the backplanes' clock
    /// needs nothing.
    /// </summary>
    protected abstract Task ElapseStorageTimeAsync(TimeSpan elapsed);

    private async Task AdvanceAsync(ManualTimeProvider clock, TimeSpan by)
    {
        clock.Advance(by);
        await ElapseStorageTimeAsync(by);
    }

    [Fact]
    public async Task StreamCreatedAgainAfterExpiringWholeKeepsOlderCursorsUnrecovered()
    {
        var clock = NewClock();
        var retention = new RetentionOptions();
        var silos = await CreateBackplanesAsync(2, retention, clock);
        var client = SseTarget.Client(Unique("idle"));
        var before = (await silos[0].PublishAsync(client, "message", "seen")).Cursor;
        var last = (await silos[0].PublishAsync(client, "message", "lost")).Cursor;

        // Nothing for twice the maximum age: the stream is dropped as a whole (Redis expires its key).
        await AdvanceAsync(clock, retention.MaxAge * 2);
        Assert.False((await silos[1].ReadHistoryAsync([client], before)).Recovered);
        await silos[1].PublishAsync(client, "message", "new");

        var fromBefore = await silos[0].ReadHistoryAsync([client], before);
        var fromLast = await silos[0].ReadHistoryAsync([client], last);

        Assert.False(fromBefore.Recovered, "'lost' went with the expired stream");
        Assert.Equal(["new"], fromBefore.Events.Select(e => e.Data));
        Assert.True(fromLast.Recovered);
        Assert.Equal(["new"], fromLast.Events.Select(e => e.Data));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 511)] // the smallest position a double rounds up to 2^63
    [InlineData((1L << 53) + 1)] // the smallest position a double cannot hold
    public async Task CursorFarBeyondTheSequenceReadsNothingAndIsNotRecovered(long position)
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var current = (await silos[0].PublishAsync(client, "message", "x")).Cursor;

        var history = await silos[1].ReadHistoryAsync([client, SseTarget.All], current with { Position = position });

        Assert.False(history.Recovered);
        Assert.Empty(history.Events);
    }
}
