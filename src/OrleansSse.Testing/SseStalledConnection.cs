using System.Net.Sockets;
using System.Text;

namespace OrleansSse.Testing;

/// <summary>
/// A client that sends <c>GET /api/sse</c> on a raw socket with a tiny receive buffer and then
/// never reads: the silo's writes back up until its per-connection queue bound is hit. For
/// slow-consumer tests. <see cref="WaitForServerCloseAsync"/> reads (and discards) only at the end,
/// to confirm the silo cut the connection.
/// </summary>
public sealed class SseStalledConnection : IDisposable
{
    private readonly Socket _socket;

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

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}
