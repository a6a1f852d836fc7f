using System.IO.Pipelines;
using System.Text;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>Frames with a coalesce key: one unwritten frame per key, outside the queue bound, order and ids kept.</summary>
public sealed class SseConnectionCoalescingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static (SseConnection Connection, SseMetrics Metrics) CreateStarted(int capacity = 16, SlowConsumerPolicy policy = SlowConsumerPolicy.Disconnect)
    {
        var metrics = new SseMetrics();
        var connection = new SseConnection("c", new StreamOptions { QueueCapacity = capacity, SlowConsumerPolicy = policy }, metrics);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        return (connection, metrics);
    }

    private static Frame Frame(long position, string? key = null) =>
        new(position, Encoding.ASCII.GetBytes($"id: e-{position}\ndata: {key ?? "-"}{position}\n\n"), key);

    private static string Expected(params (long Position, string? Key)[] frames) =>
        string.Concat(frames.Select(f => $"id: e-{f.Position}\ndata: {f.Key ?? "-"}{f.Position}\n\n"));

    // Runs the writer into a pipe until the text ends with the marker, then stops it.
    private static async Task<string> WriteUntilAsync(SseConnection connection, string marker)
    {
        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        var text = new StringBuilder();
        while (!text.ToString().EndsWith(marker, StringComparison.Ordinal))
        {
            var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.ASCII.GetString(segment.Span));
            }

            pipe.Reader.AdvanceTo(result.Buffer.End);
        }

        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
        return text.ToString();
    }

    [Fact]
    public async Task NewerKeyedFrameSupersedesTheUnwrittenOne_AndIsWrittenAtTheEnd()
    {
        var (connection, metrics) = CreateStarted();
        connection.Offer(Frame(1, "price"));
        connection.Offer(Frame(2));
        connection.Offer(Frame(3, "volume"));
        connection.Offer(Frame(4, "price"));   // supersedes 1, goes after 3
        connection.Offer(Frame(5));

        var text = await WriteUntilAsync(connection, "-5\n\n");

        Assert.Equal("first\n\n" + Expected((2, null), (3, "volume"), (4, "price"), (5, null)), text);
        Assert.Equal(1, metrics.CoalescedFrames);
    }

    [Fact]
    public void ThousandsOfUpdatesOnFewKeys_NeverHitTheQueueBound()
    {
        var (connection, metrics) = CreateStarted(capacity: 4);
        for (var i = 1; i <= 5000; i++)
        {
            Assert.True(connection.Offer(Frame(i, "k" + (i % 3))));
        }

        Assert.Equal(CloseReason.None, connection.CloseReason);
        Assert.Equal(0, metrics.SlowConsumerDisconnects);
        Assert.Equal(5000 - 3, metrics.CoalescedFrames);
        Assert.Equal(5000, connection.LastPosition);
    }

    [Fact]
    public async Task SlowReader_SeesTheLatestValuePerKey_WithIncreasingIds()
    {
        var (connection, metrics) = CreateStarted(capacity: 4);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);

        // The writer has flushed "first" and waits for the reader, which neither consumes nor examines it.
        var first = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        pipe.Reader.AdvanceTo(first.Buffer.Start);
        for (var i = 1; i <= 1000; i++)
        {
            connection.Offer(Frame(i, i % 2 == 0 ? "even" : "odd"));
        }

        connection.Offer(Frame(1001));
        var text = new StringBuilder();
        while (!text.ToString().EndsWith("-1001\n\n", StringComparison.Ordinal))
        {
            var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.ASCII.GetString(segment.Span));
            }

            pipe.Reader.AdvanceTo(result.Buffer.End);
        }

        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
        Assert.Equal("first\n\n" + Expected((999, "odd"), (1000, "even"), (1001, null)), text.ToString());
        Assert.Equal(CloseReason.None, connection.CloseReason);
        Assert.Equal(998, metrics.CoalescedFrames);
    }

    [Fact]
    public void NewKeysAndUnkeyedFramesStillCountTowardTheBound()
    {
        var (connection, metrics) = CreateStarted(capacity: 4);
        connection.Offer(Frame(1, "a"));
        connection.Offer(Frame(2, "b"));
        connection.Offer(Frame(3));
        connection.Offer(Frame(4, "a"));       // supersedes: "first", b, 3, a = 4 queued
        Assert.Equal(CloseReason.None, connection.CloseReason);

        connection.Offer(Frame(5, "c"));       // a fifth distinct frame: over the bound

        Assert.Equal(CloseReason.SlowConsumer, connection.CloseReason);
        Assert.Equal(1, metrics.CoalescedFrames);
    }

    [Fact]
    public void UnkeyedFrames_AreNeverCoalesced()
    {
        var (connection, metrics) = CreateStarted(capacity: 4, SlowConsumerPolicy.DropNewest);
        for (var i = 1; i <= 10; i++)
        {
            connection.Offer(Frame(i));
        }

        Assert.Equal(0, metrics.CoalescedFrames);
        Assert.Equal(3, connection.LastPosition); // the bound applies exactly as without keys
    }

    [Fact]
    public async Task Release_ReplaysOnlyTheNewestPerKey_AcrossHistoryAndParkedLiveFrames()
    {
        var metrics = new SseMetrics();
        var connection = new SseConnection("c", new StreamOptions { QueueCapacity = 4 }, metrics);
        connection.SetCursor("e", 0);
        connection.Offer(Frame(5, "k"));       // live, parked
        connection.Offer(Frame(6));
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([Frame(1, "k"), Frame(2), Frame(3, "j"), Frame(4, "k")]);

        var text = await WriteUntilAsync(connection, "-6\n\n");

        Assert.Equal("first\n\n" + Expected((2, null), (3, "j"), (5, "k"), (6, null)), text);
        Assert.Equal(2, metrics.CoalescedFrames);
    }

    [Fact]
    public void AHighRateTickerWhileHeld_DoesNotOverflowTheParkedFrames()
    {
        var metrics = new SseMetrics();
        var connection = new SseConnection("c", new StreamOptions { QueueCapacity = 4 }, metrics);
        for (var i = 1; i <= 1000; i++)
        {
            connection.Offer(Frame(i, "tick"));
        }

        Assert.Equal(CloseReason.None, connection.CloseReason);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        Assert.Equal(1000, connection.LastPosition);
        Assert.Equal(999, metrics.CoalescedFrames);
    }
}
