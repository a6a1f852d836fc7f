using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

public sealed class ConnectionExpiryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ExpireDue_EndsOnlyStreamsWhoseDeadlineIsWithinTheHorizon_AfterWhatIsQueued()
    {
        using var registry = new ConnectionRegistry(
            new InMemoryBackplane(), Microsoft.Extensions.Options.Options.Create(new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);
        var now = DateTimeOffset.UtcNow;
        var due = await OpenAsync(registry, "due", now + TimeSpan.FromSeconds(1));
        var later = await OpenAsync(registry, "later", now + TimeSpan.FromHours(1));
        var never = await OpenAsync(registry, "never", null);

        Assert.Equal(0, registry.ExpireDue(now, "retry: 9\n\n"u8.ToArray()));
        Assert.Equal(1, registry.ExpireDue(now + TimeSpan.FromSeconds(1), "retry: 9\n\n"u8.ToArray()));

        Assert.Equal(CloseReason.Expired, due.CloseReason);
        Assert.Equal(CloseReason.None, later.CloseReason);
        Assert.Equal(CloseReason.None, never.CloseReason);

        // The expired stream writes its first bytes, then the hint, then its writer returns.
        var pipe = new Pipe();
        await due.RunAsync(pipe.Writer, CancellationToken.None).WaitAsync(Timeout);
        await pipe.Writer.CompleteAsync();
        var written = await pipe.Reader.ReadAsync();
        Assert.Equal("first\n\nretry: 9\n\n", Encoding.ASCII.GetString(written.Buffer.ToArray()));
    }

    private static async Task<SseConnection> OpenAsync(ConnectionRegistry registry, string clientId, DateTimeOffset? deadline)
    {
        var opened = await registry.OpenAsync(clientId, cursor: null, CancellationToken.None);
        opened.Connection.SetDeadline(deadline);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        return opened.Connection;
    }
}
