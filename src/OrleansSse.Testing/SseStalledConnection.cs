using System.Net.Sockets;
using System.Text;

namespace OrleansSse.Testing;

/// <summary>
/// A client that sends <c>GET /api/sse</c> on a raw socket with a tiny receive buffer and then
/// never reads: the silo's writes back up until its per-connection queue bound is hit (or its
/// writer has waited <c>Stream:WriteStallTimeout</c>, 30 s by default, on one flush). For
/// slow-consumer tests. <see cref="WaitForServerCloseAsync"/> reads (and discards) only at the end,
/// to confirm the silo cut the connection; <see cref="ReadBodyUntilAsync"/> starts reading late to
/// see what a stream that was kept open delivered. <see cref="SseTestCluster.DisposeAsync"/> closes
/// it if the test did not.
/// </summary>
public sealed class SseStalledConnection : IDisposable, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ChunkedBodyDecoder _body = new();

    private SseStalledConnection(Socket socket) => _socket = socket;

    internal static async Task<SseStalledConnection> OpenAsync(Uri baseAddress, string pathAndQuery, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
            NoDelay = true,
        };
        try
        {
            await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken).ConfigureAwait(false);
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return new SseStalledConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts reading, discarding everything, until the server closes or resets the connection.
    /// Returns the number of bytes that were still readable.
    /// </summary>
    /// <exception cref="TimeoutException">The server kept the connection open.</exception>
    public async Task<long> WaitForServerCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return total;
                }

                total += read;
            }
        }
        catch (SocketException)
        {
            return total;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not close the stalled connection within {timeout} ({total} bytes drained).");
        }
    }

    /// <summary>
    /// Reads (from where earlier calls stopped) until the body holds <paramref name="marker"/>;
    /// returns the response body (HTTP chunking removed) from its very start up to and including
    /// the marker's first occurrence.
    /// </summary>
    /// <exception cref="TimeoutException">The marker did not arrive in time, or the stream ended first.</exception>
    public async Task<string> ReadBodyUntilAsync(string marker, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        var needle = Encoding.UTF8.GetBytes(marker);
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var searchFrom = 0;
        try
        {
            while (true)
            {
                var at = _body.Body.Span[searchFrom..].IndexOf(needle);
                if (at >= 0)
                {
                    return Encoding.UTF8.GetString(_body.Body.Span[..(searchFrom + at + needle.Length)]);
                }

                searchFrom = Math.Max(0, _body.Body.Length - needle.Length + 1);
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new TimeoutException($"The stream ended before '{marker}' arrived ({_body.Body.Length} body bytes).");
                }

                _body.Add(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"'{marker}' did not arrive within {timeout} ({_body.Body.Length} body bytes).");
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>Closes the socket.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
