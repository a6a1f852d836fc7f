using System.Globalization;
using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>
/// The in-memory backplane's history stays within <see cref="RetentionOptions.MaxRetainedBytes"/>
/// however much is published: the streams appended to least recently go first, and a resume from
/// before what went says so.
/// </summary>
public sealed class InMemoryBackplaneBudgetTests
{
    private const long Budget = 64 * 1024;
    private static readonly string Kilobyte = new('x', 512); // 1 KiB of UTF-16

    [Fact]
    public async Task ManyClientsStayWithinTheBudgetAndTheLeastRecentGoFirst()
    {
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxRetainedBytes = Budget });
        var start = await backplane.GetCurrentAsync();
        for (var i = 0; i < 500; i++)
        {
            await backplane.PublishAsync(Client(i), "message", Kilobyte);
            Assert.InRange(backplane.RetainedBytes, 1, Budget);
        }

        var oldest = await backplane.ReadHistoryAsync([Client(0)], start);
        var newest = await backplane.ReadHistoryAsync([Client(499)], start);

        Assert.False(oldest.Recovered);
        Assert.Empty(oldest.Events);
        Assert.True(newest.Recovered);
        Assert.Equal([Kilobyte], newest.Events.Select(e => e.Data));
        Assert.InRange(backplane.Retained.Streams, 10, 70);
    }

    [Fact]
    public async Task OneStreamOverTheBudgetLosesItsOldestEvents()
    {
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxRetainedBytes = Budget });
        var start = await backplane.GetCurrentAsync();
        for (var i = 0; i < 200; i++)
        {
            await backplane.PublishAsync(SseTarget.All, "message", i.ToString("D4", CultureInfo.InvariantCulture) + Kilobyte);
        }

        var history = await backplane.ReadHistoryAsync([SseTarget.All], start);

        Assert.InRange(backplane.RetainedBytes, 1, Budget);
        Assert.False(history.Recovered);
        Assert.StartsWith("0199", history.Events[^1].Data, StringComparison.Ordinal);
        Assert.InRange(history.Events.Count, 10, 70);
        var resumedInside = await backplane.ReadHistoryAsync([SseTarget.All], history.Events[0].Cursor);
        Assert.True(resumedInside.Recovered);
    }

    [Fact]
    public async Task TrimmingAndExpiryGiveTheirBytesBack()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        var backplane = new InMemoryBackplane(new RetentionOptions { MaxEventsPerStream = 2, MaxAge = TimeSpan.FromMinutes(1) }, clock);
        for (var i = 0; i < 10; i++)
        {
            await backplane.PublishAsync(Client(1), "message", Kilobyte);
        }

        var twoEvents = backplane.RetainedBytes;
        await backplane.PublishAsync(Client(2), "message", Kilobyte);
        Assert.Equal(twoEvents * 3 / 2, backplane.RetainedBytes);

        clock.Advance(TimeSpan.FromMinutes(2));
        await backplane.PublishAsync(Client(3), "message", Kilobyte);
        Assert.Equal(twoEvents / 2, backplane.RetainedBytes);
    }

    private static SseTarget Client(int i) => SseTarget.Client("c" + i.ToString(CultureInfo.InvariantCulture));
}
