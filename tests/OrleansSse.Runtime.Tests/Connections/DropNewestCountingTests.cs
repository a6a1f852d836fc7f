using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>Under <see cref="SlowConsumerPolicy.DropNewest"/> each frame that does not fit is counted in <c>orleanssse_frames_dropped_total</c>, once.</summary>
public sealed class DropNewestCountingTests
{
    [Fact]
    public void EveryFrameOfferedPastTheQueueBoundIsCountedAsDropped_AndTheConnectionStays()
    {
        var metrics = new SseMetrics();
        var connection = new SseConnection("c", new StreamOptions { QueueCapacity = 4, SlowConsumerPolicy = SlowConsumerPolicy.DropNewest }, metrics);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);

        for (var i = 1; i <= 10; i++)
        {
            connection.Offer(new Frame(i, Encoding.ASCII.GetBytes($"id: e-{i}\ndata: {i}\n\n")));
        }

        // "first" and events 1-3 fill the bound of 4; events 4-10 are dropped.
        Assert.Equal(3, connection.LastPosition);
        Assert.Equal(7, Counter(metrics, "orleanssse_frames_dropped_total"));
        Assert.Equal(0, Counter(metrics, "orleanssse_slow_consumer_disconnects_total"));
        Assert.Equal(CloseReason.None, connection.CloseReason);
    }

    private static long Counter(SseMetrics metrics, string name)
    {
        var text = new StringBuilder();
        metrics.WritePrometheus(text);
        var match = Regex.Match(text.ToString(), $@"^{name} (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, text.ToString());
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
