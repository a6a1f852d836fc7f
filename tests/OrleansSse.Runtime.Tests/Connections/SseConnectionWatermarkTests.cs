using System.IO.Pipelines;
using System.Text;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A watermark's id-only frame is queued only where it is safe and useful: a started stream that
/// is not held (so every earlier event for it was offered already), has nothing queued, and is in
/// the watermark's epoch, behind its position.
/// </summary>
public sealed class SseConnectionWatermarkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static SseConnection Create() => new("c", new StreamOptions(), new SseMetrics());

    private static Frame Event(long position) => new(position, Encoding.ASCII.GetBytes($"id: e-{position}\ndata: {position}\n\n"));

    private static Frame Watermark(long position) => new(position, SseEncoder.IdOnly($"e-{position}"));

    [Fact]
    public async Task OnAnIdleStreamTheWatermarkIsWrittenAsAnIdAloneBetweenEvents()
    {
        var connection = Create();
        connection.SetCursor("e", 1);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        connection.Offer(Event(2));
        Assert.Contains("data: 2", await ReadUntilAsync(pipe.Reader, "data: 2\n\n"), StringComparison.Ordinal);

        Assert.True(connection.OfferWatermark(Watermark(5), "e"));
        connection.Offer(Event(6));

        Assert.Equal("id: e-5\n\nid: e-6\ndata: 6\n\n", await ReadUntilAsync(pipe.Reader, "data: 6\n\n"));
        Assert.Equal(6, connection.LastPosition);
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task TheWatermarkIsSkippedUnlessTheStreamIsStartedUnheldIdleInItsEpochAndBehindIt()
    {
        var connection = Create();
        connection.SetCursor("e", 3);
        Assert.False(connection.OfferWatermark(Watermark(4), "e")); // opening: born held, not started
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        Assert.False(connection.OfferWatermark(Watermark(4), "e")); // the first bytes are queued
        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        await ReadUntilAsync(pipe.Reader, "first\n\n");

        connection.Hold();
        Assert.False(connection.OfferWatermark(Watermark(4), "e")); // joining a group or catching up
        connection.Release([]);
        Assert.False(connection.OfferWatermark(Watermark(4), "other-epoch"));
        Assert.False(connection.OfferWatermark(Watermark(3), "e")); // not behind the stream's last position
        Assert.True(connection.OfferWatermark(Watermark(4), "e"));
        Assert.Equal("id: e-4\n\n", await ReadUntilAsync(pipe.Reader, "id: e-4\n\n"));

        connection.Expire();
        Assert.False(connection.OfferWatermark(Watermark(5), "e")); // ending
        await run.WaitAsync(Timeout);
    }

    private static async Task<string> ReadUntilAsync(PipeReader reader, string marker)
    {
        var text = new StringBuilder();
        while (!text.ToString().EndsWith(marker, StringComparison.Ordinal))
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.ASCII.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
        }

        return text.ToString();
    }
}
