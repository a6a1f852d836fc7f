using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansSse.Silo.Detach;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <see cref="SocketBodyWriter"/> on real loopback sockets: the head, then one chunk per flush;
/// a client that does not read; a cancelled flush; an aborted connection.
/// </summary>
public sealed class SocketBodyWriterTests
{
    [Fact]
    public async Task HeadThenOneWholeChunkPerFlushThenTheTerminatingChunk()
    {
        using var pair = await SocketPair.ConnectAsync();
        var head = Pooled("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);
        string[] writes = ["event: a\ndata: 1\n\n", new string('x', 100_000), "", "data: last\n\n"];
        foreach (var text in writes)
        {
            writer.Write(Encoding.ASCII.GetBytes(text).AsSpan());
            var result = await writer.FlushAsync();
            Assert.False(result.IsCanceled || result.IsCompleted);
        }

        Assert.True(await writer.EndAsync(TimeSpan.FromSeconds(5)));
        writer.Complete();
        pair.Server.Shutdown(SocketShutdown.Send);

        var received = await pair.ReadToEndAsync();
        var expected = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        foreach (var text in writes.Where(t => t.Length > 0))
        {
            expected.Append($"{text.Length:x}\r\n{text}\r\n");
        }

        Assert.Equal(expected.Append("0\r\n\r\n").ToString(), received);
    }

    [Fact]
    public async Task HeadAloneGoesOutWithTheTerminatingChunkWhenNothingWasWritten()
    {
        using var pair = await SocketPair.ConnectAsync();
        var head = Pooled("HTTP/1.1 200 OK\r\n\r\n");
        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);

        Assert.True(await writer.EndAsync(TimeSpan.FromSeconds(5)));
        pair.Server.Shutdown(SocketShutdown.Send);

        Assert.Equal("HTTP/1.1 200 OK\r\n\r\n0\r\n\r\n", await pair.ReadToEndAsync());
    }

    [Fact]
    public async Task FlushThatWaitsForAClientThatDoesNotReadEndsWhenCancelledAndTheBodyIsThenBroken()
    {
        using var pair = await SocketPair.ConnectAsync(clientReceiveBuffer: 4096);
        var head = Pooled("");
        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);
        var chunk = new byte[256 * 1024];

        // The socket buffers fill up: a flush then waits for the client.
        ValueTask<FlushResult> pending = default;
        for (var i = 0; i < 400 && (i == 0 || pending.IsCompleted); i++)
        {
            writer.Write(chunk.AsSpan());
            pending = writer.FlushAsync();
        }

        Assert.False(pending.IsCompleted, "a flush should wait for the client once the socket buffers are full");
        writer.CancelPendingFlush();
        var result = await pending.AsTask().WaitAsync(Wait.Timeout);

        Assert.True(result.IsCanceled);
        writer.Write("data: after\n\n"u8);
        Assert.True((await writer.FlushAsync()).IsCompleted);
        Assert.False(await writer.EndAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task CancelWithNoFlushPendingCancelsTheNextFlushOnly()
    {
        using var pair = await SocketPair.ConnectAsync();
        var head = Pooled("");
        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);

        writer.CancelPendingFlush();
        writer.Write("data: 1\n\n"u8);
        Assert.True((await writer.FlushAsync()).IsCanceled);
        var next = await writer.FlushAsync();
        Assert.False(next.IsCanceled || next.IsCompleted);
        pair.Server.Shutdown(SocketShutdown.Send);

        Assert.Equal("9\r\ndata: 1\n\n\r\n", await pair.ReadToEndAsync());
    }

    [Fact]
    public async Task SocketDisposedBeforeTheStreamRunsReportsTheClientGone()
    {
        using var pair = await SocketPair.ConnectAsync();
        pair.Server.Dispose();
        var head = Pooled("HTTP/1.1 200 OK\r\n\r\n");

        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);
        writer.Write("data: 1\n\n"u8);

        Assert.True((await writer.FlushAsync()).IsCompleted);
        Assert.False(await writer.EndAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ClientThatClosedItsConnectionIsReportedGone()
    {
        using var pair = await SocketPair.ConnectAsync();
        var head = Pooled("");
        var writer = new SocketBodyWriter(pair.Server, head.Array, head.Length);
        pair.Client.Close();

        // The first sends may still be taken by the kernel; the peer's reset ends it.
        await Wait.UntilAsync(
            async () =>
            {
                writer.Write("data: x\n\n"u8);
                return (await writer.FlushAsync()).IsCompleted;
            },
            "a flush to report the client gone");
    }

    private static (byte[] Array, int Length) Pooled(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1024));
        bytes.CopyTo(array, 0);
        return (array, bytes.Length);
    }

    /// <summary>A connected loopback TCP pair: the server side the writer sends on, the client side the test reads.</summary>
    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket server, Socket client)
        {
            Server = server;
            Client = client;
        }

        public Socket Server { get; }

        public Socket Client { get; }

        public static async Task<SocketPair> ConnectAsync(int? clientReceiveBuffer = null)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (clientReceiveBuffer is { } size)
            {
                client.ReceiveBufferSize = size;
            }

            var accepting = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Wait.Timeout);
            return new SocketPair(await accepting.WaitAsync(Wait.Timeout), client);
        }

        public async Task<string> ReadToEndAsync()
        {
            using var cts = new CancellationTokenSource(Wait.Timeout);
            var received = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await Client.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return Encoding.ASCII.GetString(received.ToArray());
        }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
        }
    }
}
