using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>The stall sweep (<see cref="ConnectionRegistry.CutStalled"/>) and the writer's flush bound behind it.</summary>
public sealed class ConnectionStallTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task CutStalled_CutsOnlyAStreamWhoseFlushWaitedPastTheTimeout_AsASlowConsumer()
    {
        var metrics = new SseMetrics();
        using var registry = Registry(metrics);
        var stalled = await OpenAsync(registry, "stalled", new byte[4096]);
        var idle = await OpenAsync(registry, "idle", "first\n\n"u8.ToArray());

        // Nobody reads the stalled stream's pipe: its first flush waits. The idle one's flush completes.
        var stalledPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        var stalledRun = stalled.RunAsync(stalledPipe.Writer, CancellationToken.None);
        var idleRun = idle.RunAsync(new Pipe().Writer, CancellationToken.None);
        Assert.True(SpinWait.SpinUntil(() => stalled.IsWriteStalled(Environment.TickCount64), Timeout), "the stalled writer's flush should wait");
        Assert.False(idle.IsWriteStalled(Environment.TickCount64));
        stalled.Offer(new Frame(1, new byte[100]));
        stalled.Offer(new Frame(2, new byte[100]));

        // Not waited long enough yet; then, a minute later, past a 30 s timeout.
        Assert.Equal(0, registry.CutStalled(Environment.TickCount64, TimeSpan.FromHours(1)));
        Assert.Equal(1, registry.CutStalled(Environment.TickCount64 + 60_000, TimeSpan.FromSeconds(30)));

        await stalledRun.WaitAsync(Timeout);
        Assert.Equal(CloseReason.SlowConsumer, stalled.CloseReason);
        Assert.Equal(1, metrics.SlowConsumerDisconnects);
        Assert.False(stalled.IsWriteStalled(long.MaxValue));
        Assert.Equal(CloseReason.None, idle.CloseReason);
        Assert.False(idleRun.IsCompleted);

        // Cut once only.
        Assert.Equal(0, registry.CutStalled(Environment.TickCount64 + 60_000, TimeSpan.FromSeconds(30)));
        idle.ClientGone();
        await idleRun.WaitAsync(Timeout);
    }

    [Fact]
    public async Task CutStalled_EndsAStreamThatWasEndingGracefullyBehindAStalledFlush()
    {
        var metrics = new SseMetrics();
        using var registry = Registry(metrics);
        var stream = await OpenAsync(registry, "expiring", new byte[4096]);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        var run = stream.RunAsync(pipe.Writer, CancellationToken.None);
        Assert.True(SpinWait.SpinUntil(() => stream.IsWriteStalled(Environment.TickCount64), Timeout));

        // Its deadline passed: it would end after what is queued, which never drains.
        stream.Expire(SseEncoder.Retry(100));
        Assert.Equal(1, registry.CutStalled(Environment.TickCount64 + 60_000, TimeSpan.FromSeconds(30)));

        await run.WaitAsync(Timeout);
        Assert.Equal(CloseReason.SlowConsumer, stream.CloseReason);
        Assert.Equal(1, metrics.SlowConsumerDisconnects);
    }

    [Fact]
    public async Task Writer_FlushesALongBatchAtLeastEveryMaxBytesPerFlush()
    {
        const int frameBytes = 20 * 1024;
        const int frames = 20;
        var connection = new SseConnection("long", new StreamOptions(), new SseMetrics());
        connection.Start("first\n\n"u8.ToArray());
        connection.Release([.. Enumerable.Range(1, frames).Select(p => new Frame(p, new byte[frameBytes]))]);

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0)); // flushes never wait
        var recording = new FlushRecordingWriter(pipe.Writer);
        var run = connection.RunAsync(recording, CancellationToken.None);
        var total = "first\n\n".Length + (frames * frameBytes);
        Assert.True(SpinWait.SpinUntil(() => recording.Flushed.Sum() == total, Timeout), "every frame should be flushed");
        connection.ClientGone();
        await run.WaitAsync(Timeout);

        // One long batch, flushed in parts: none past the documented 64 KB (README, silo.json:
        // "at least every 64 KB") by more than one frame.
        const int documentedBound = 64 * 1024;
        Assert.True(recording.Flushed.Count > 1, $"flushes: {string.Join(", ", recording.Flushed)}");
        Assert.All(recording.Flushed, bytes => Assert.True(bytes < documentedBound + frameBytes, $"a flush of {bytes} bytes"));
    }

    private static ConnectionRegistry Registry(SseMetrics metrics) =>
        new(new InMemoryBackplane(), Microsoft.Extensions.Options.Options.Create(new StreamOptions()), metrics, NullLogger<ConnectionRegistry>.Instance);

    private static async Task<SseConnection> OpenAsync(ConnectionRegistry registry, string clientId, byte[] first)
    {
        var opened = await registry.OpenAsync(clientId, cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, first);
        return opened.Connection;
    }

    /// <summary>Passes everything on to a pipe, recording how many bytes each flush carried.</summary>
    private sealed class FlushRecordingWriter(PipeWriter inner) : PipeWriter
    {
        private readonly List<int> _flushed = [];
        private int _written;

        public IReadOnlyList<int> Flushed
        {
            get
            {
                lock (_flushed)
                {
                    return [.. _flushed];
                }
            }
        }

        public override void Advance(int bytes)
        {
            _written += bytes;
            inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            lock (_flushed)
            {
                _flushed.Add(_written);
            }

            _written = 0;
            return inner.FlushAsync(cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
