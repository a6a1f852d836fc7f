using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// "Each event is encoded once; the same bytes go to every connection that receives it" (README
/// Event format, STYLE 7). The in-memory backplane delivers inside the publish, on the caller's
/// thread, so what the fan-out allocates is measured there: one encoding of a large event, not
/// one per connection.
/// </summary>
public sealed class EncodeOnceTests
{
    private const int Connections = 200;
    private const int PayloadChars = 64 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ABroadcastToManyLocalConnectionsIsEncodedOnce_AndEveryConnectionWritesTheSameBytes()
    {
        ISseBackplane backplane = new InMemoryBackplane();
        using var registry = new ConnectionRegistry(
            backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);
        var streams = new List<SseConnection>(Connections);
        for (var i = 0; i < Connections; i++)
        {
            var opened = await registry.OpenAsync($"c{i}", cursor: null, CancellationToken.None);
            ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
            streams.Add(opened.Connection);
        }

        // Warm the path (JIT, queue arrays) with a small event first.
        var warmUp = await backplane.PublishAsync(SseTarget.All, "message", "warm-up");
        var payload = new string('x', PayloadChars);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var receipt = await backplane.PublishAsync(SseTarget.All, "message", payload);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.All(streams, s => Assert.Equal(receipt.Cursor.Position, s.LastPosition));
        // Measured: about 400 KB in all (one encoding plus the history entry and queue slots); one
        // encoding per connection allocates about 75 MB here.
        Assert.True(allocated < 4 * 1024 * 1024, $"publishing one 64 KB event to {Connections} local connections allocated {allocated / 1024} KB");

        var expected = $"first\n\nid: {warmUp.Cursor}\ndata: warm-up\n\nid: {receipt.Cursor}\ndata: {payload}\n\n";
        Assert.Equal(expected, await WrittenAsync(streams[0], expected.Length));
        Assert.Equal(expected, await WrittenAsync(streams[^1], expected.Length));
    }

    private static async Task<string> WrittenAsync(SseConnection connection, int length)
    {
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        var writer = connection.RunAsync(pipe.Writer, stop.Token);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            pipe.Reader.AdvanceTo(result.Buffer.End);
        }

        await stop.CancelAsync();
        await writer.WaitAsync(Timeout);
        return text.ToString();
    }
}
