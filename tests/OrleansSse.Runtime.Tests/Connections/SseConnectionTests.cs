using System.IO.Pipelines;
using System.Text;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

public sealed class SseConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static (SseConnection Connection, SseMetrics Metrics) Create(int capacity = 16, SlowConsumerPolicy policy = SlowConsumerPolicy.Disconnect)
    {
        var metrics = new SseMetrics();
        var options = new StreamOptions { QueueCapacity = capacity, SlowConsumerPolicy = policy };
        return (new SseConnection("c", options, metrics), metrics);
    }

    private static Frame Frame(long position) =>
        new(position, Encoding.ASCII.GetBytes($"id: e-{position}\ndata: {position}\n\n"));

    private static async Task<string> ReadUntilAsync(PipeReader reader, string marker)
    {
        var text = new StringBuilder();
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
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

    [Fact]
    public async Task Release_MergesHistoryAndParkedLiveFrames_InOrderWithoutDuplicates()
    {
        var (connection, _) = Create();
        connection.SetCursor("e", 1);
        connection.Offer(Frame(4));          // live, parked while held
        connection.Offer(Frame(3));
        connection.Offer(Frame(1));          // at the cursor: already seen
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([Frame(2), Frame(3)]);
        connection.Offer(Frame(5));
        connection.Offer(Frame(5));          // duplicate live copy

        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        var text = await ReadUntilAsync(pipe.Reader, "data: 5\n\n");
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.Equal("first\n\n" + string.Concat(new[] { 2, 3, 4, 5 }.Select(p => $"id: e-{p}\ndata: {p}\n\n")), text);
    }

    [Fact]
    public void NestedHolds_WriteNothingUntilTheLastRelease()
    {
        var (connection, _) = Create();
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        connection.Hold();
        connection.Hold();
        connection.Offer(Frame(2));
        connection.Release([Frame(1)]);
        Assert.Equal(0, connection.LastPosition);

        connection.Release([]);
        Assert.Equal(2, connection.LastPosition);
    }

    [Fact]
    public void ReplayReleasedWhileAnotherHoldIsInEffect_DoesNotCountTowardTheParkedBound()
    {
        var (connection, _) = Create(capacity: 2); // parked bound: 8 live frames
        connection.SetCursor("e", 0);
        connection.Hold();                          // e.g. a group join still reading its history
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([.. Enumerable.Range(1, 20).Select(p => Frame(p))]); // a long replay

        connection.Offer(Frame(21));

        Assert.Equal(CloseReason.None, connection.CloseReason);
        connection.Release([]);
        Assert.Equal(21, connection.LastPosition);
    }

    [Fact]
    public void LiveFramesParkedBeyondTheBound_CutTheStream_WhateverTheReplayHeld()
    {
        var (connection, _) = Create(capacity: 2); // parked bound: 8 live frames
        connection.SetCursor("e", 0);
        connection.Hold();
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([Frame(1)]);
        for (var p = 2; p <= 9; p++)
        {
            connection.Offer(Frame(p));
        }

        Assert.Equal(CloseReason.None, connection.CloseReason);
        connection.Offer(Frame(10));

        Assert.Equal(CloseReason.SlowConsumer, connection.CloseReason);
    }

    [Fact]
    public async Task QueueBoundHit_DisconnectPolicy_ClosesAndCountsTheDrops()
    {
        var (connection, metrics) = Create(capacity: 4);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        for (var i = 1; i <= 10; i++)
        {
            connection.Offer(Frame(i));
        }

        Assert.Equal(CloseReason.SlowConsumer, connection.CloseReason);
        Assert.Equal(1, metrics.SlowConsumerDisconnects);
        Assert.True(SpinWait.SpinUntil(() => connection.IsStopped, Timeout));
        await connection.RunAsync(new Pipe().Writer, CancellationToken.None).WaitAsync(Timeout); // the writer does not start
    }

    [Fact]
    public void QueueBoundHit_DropNewestPolicy_KeepsTheConnection()
    {
        var (connection, metrics) = Create(capacity: 4, SlowConsumerPolicy.DropNewest);
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);
        for (var i = 1; i <= 10; i++)
        {
            connection.Offer(Frame(i));
        }

        Assert.Equal(CloseReason.None, connection.CloseReason);
        Assert.Equal(0, metrics.SlowConsumerDisconnects);
        Assert.Equal(3, connection.LastPosition); // "first" plus 3 events fill the bound of 4
        Assert.Equal(7, ReadCounter(metrics, "orleanssse_frames_dropped_total")); // what /metrics shows
    }

    // A counter's value in the Prometheus text the silo serves on /metrics.
    private static long ReadCounter(SseMetrics metrics, string name)
    {
        var text = new StringBuilder();
        metrics.WritePrometheus(text);
        var line = text.ToString().Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Draining_WritesWhatIsQueuedThenTheRetryHintThenEnds()
    {
        var (connection, _) = Create();
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([Frame(1)]);
        connection.Close(CloseReason.Draining, SseEncoder.Retry(500));

        var pipe = new Pipe();
        await connection.RunAsync(pipe.Writer, CancellationToken.None).WaitAsync(Timeout);
        await pipe.Writer.CompleteAsync();
        var text = await ReadUntilAsync(pipe.Reader, "retry: 500\n\n");

        Assert.Equal("first\n\nid: e-1\ndata: 1\n\nretry: 500\n\n", text);
    }

    [Fact]
    public async Task Heartbeat_IsQueuedOnlyWhenStartedAndIdle()
    {
        var (connection, _) = Create();
        connection.Heartbeat(); // not started: nothing may precede the connected event
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([]);

        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        Assert.Equal("first\n\n", await ReadUntilAsync(pipe.Reader, "first\n\n"));
        connection.Heartbeat();
        Assert.Equal(": heartbeat\n\n", await ReadUntilAsync(pipe.Reader, "heartbeat"));
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    [Theory]
    [InlineData("client gone")]
    [InlineData("request aborted")]
    [InlineData("broker cut")]
    public async Task Stop_WhileTheFlushWaitsForAClientThatDoesNotRead_EndsTheWriter(string how)
    {
        var (connection, _) = Create();
        connection.Start(new byte[4096]);
        connection.Release([]);

        // The reader never reads: the first flush waits for it.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        using var cts = new CancellationTokenSource();
        var run = connection.RunAsync(pipe.Writer, cts.Token);
        Assert.True(SpinWait.SpinUntil(() => pipe.Reader.TryRead(out var peek) && PeekBack(pipe.Reader, peek) >= 4096, Timeout));
        Assert.False(run.IsCompleted);

        switch (how)
        {
            case "client gone":
                connection.ClientGone();
                break;
            case "request aborted":
                await cts.CancelAsync();
                break;
            default:
                connection.Close(CloseReason.Aborted);
                break;
        }

        await run.WaitAsync(Timeout);
        Assert.True(connection.IsStopped);
    }

    // Looks at what is buffered without consuming it; returns its length.
    private static long PeekBack(PipeReader reader, ReadResult peek)
    {
        var length = peek.Buffer.Length;
        reader.AdvanceTo(peek.Buffer.Start, peek.Buffer.Start);
        return length;
    }
}
