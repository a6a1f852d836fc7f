using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Backplane;
using OrleansSse.Silo.Hosting;
using OrleansSse.Testing;
using OrleansSse.Tests;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// A client that stays connected but receives nothing keeps a young cursor: silos write watermarks
/// (an <c>id:</c> line alone) to idle streams, so after any disconnect it resumes recovered however
/// long it was idle.
/// </summary>
public sealed partial class WatermarkTests
{
    [Fact]
    public async Task AnIdleClientGivenAWatermarkResumesRecoveredLongAfterItsLastEvent()
    {
        // Lifetime 1 h, refreshes every 15 min: cursors older than 30 min are judged old.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Silos = 2,
            Time = clock,
            Settings = { ["OrleansSse:Retention:MembershipLifetime"] = "01:00:00" },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        var idle = await cluster.ConnectAsync(1, "idle");
        var (lastEvent, _) = await api.SendAsync("idle", "last event");
        Assert.Equal(lastEvent, (await idle.NextAsync(Wait.Timeout)).Id);

        clock.Advance(TimeSpan.FromMinutes(40));
        var watermark = await cluster.Silos[0].Services.GetRequiredService<ISseBackplane>().PublishWatermarkAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        await api.SendAsync("someone-else", "published after the watermark");
        await cluster.Client.GetClient("idle").DisconnectAsync();
        await idle.Closed.WaitAsync(Wait.Timeout);

        Assert.Equal(watermark.ToString(), idle.LastEventId);
        Assert.Empty(idle.Received.Skip(1));
        await using var resumed = await cluster.ConnectAsync(0, "idle", lastEventId: idle.LastEventId);
        await using var stale = await cluster.ConnectAsync(0, "idle", lastEventId: lastEvent);
        Assert.True(resumed.Connected!.Recovered);
        Assert.False(stale.Connected!.Recovered);
    }

    [Fact]
    public async Task TheSiloWritesWatermarksToIdleStreamsAtAQuarterOfTheHorizon()
    {
        // Lifetime 8 s, refreshes every 2 s: a 4 s horizon, a watermark every second.
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Retention:MaxAge"] = "00:00:02",
                ["OrleansSse:Retention:MembershipLifetime"] = "00:00:08",
            },
        });
        await using var quiet = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("quiet"));

        await quiet.ReadUntilAsync("\n\nid: ", Wait.Timeout);
        var block = await quiet.ReadUntilAsync("\n\n", Wait.Timeout);

        var id = IdAlone().Match(block);
        Assert.True(id.Success, block);
        var current = await cluster.Silos[0].Services.GetRequiredService<ISseBackplane>().GetCurrentAsync();
        Assert.True(EventCursor.TryParse(id.Groups[1].Value, out var cursor), id.Value);
        Assert.Equal(current.Epoch, cursor.Epoch);
        Assert.InRange(cursor.Position, 1, current.Position);
        Assert.True(await cluster.Silos[0].ReadMetricAsync("orleanssse_watermarks_total") >= 1);
    }

    [Theory]
    [InlineData("22:00:00", "01:00:00")]
    [InlineData("00:30:00", "00:07:30")]
    [InlineData("00:00:04", "00:00:01")]
    [InlineData("00:00:01", "00:00:01")]
    public void TheIntervalIsAQuarterOfTheHorizonBetweenASecondAndAnHour(string horizon, string interval) =>
        Assert.Equal(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture), WatermarkService.IntervalFor(TimeSpan.Parse(horizon, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void WithoutAHorizonWatermarksComeHourly() =>
        Assert.Equal(TimeSpan.FromHours(1), WatermarkService.IntervalFor(TimeSpan.MaxValue));

    [GeneratedRegex(@"^([^\n]+)\n\n$")]
    private static partial Regex IdAlone();
}
