using System.Net.Sockets;
using System.Text;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>GET /api/sse</c> on a raw socket, reading the response exactly as sent: the header block and
/// the chunked body with its framing, so tests see chunk sizes and the terminating chunk (ASCII bodies:
/// chunk sizes are counted in characters).
/// </summary>
internal sealed class RawHttpStream : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _received = [];
    private bool _ended;

    private RawHttpStream(Socket socket) => _socket = socket;

    /// <summary>Everything received so far, as ASCII/UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString([.. _received]);

    /// <summary>
    /// Connects and sends the stream's request. With <paramref name="earlierPath"/>, the same
    /// connection first serves a <c>GET</c> of that path (read to its end and dropped), as a
    /// browser's kept-alive connection does. <paramref name="receiveBufferSize"/> shrinks the socket's
    /// receive buffer (a slow reader fills the silo's side sooner). <paramref name="internetSegments"/>
    /// announces an Ethernet-sized TCP segment (1460 bytes; Linux): loopback's 64 KB segments make
    /// the silo's kernel grow its send buffer to megabytes, which no client across a network sees.
    /// </summary>
    public static async Task<RawHttpStream> OpenAsync(
        Uri baseAddress, string pathAndQuery, string? earlierPath = null, int? receiveBufferSize = null, bool internetSegments = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        if (internetSegments && OperatingSystem.IsLinux())
        {
            const int IpProtoTcp = 6;
            const int TcpMaxSeg = 2;
            socket.SetRawSocketOption(IpProtoTcp, TcpMaxSeg, BitConverter.GetBytes(1460));
        }

        try
        {
            await socket.ConnectAsync(baseAddress.Host, baseAddress.Port).WaitAsync(Wait.Timeout);
            var stream = new RawHttpStream(socket);
            if (earlierPath is not null)
            {
                await socket.SendAsync(Request(baseAddress, earlierPath), SocketFlags.None);
                await stream.ReadResponseWithLengthAsync();
            }

            await socket.SendAsync(Request(baseAddress, pathAndQuery), SocketFlags.None);
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads until what was received ends with <paramref name="suffix"/> (cheap on long bodies).</summary>
    public async Task ReadUntilEndsWithAsync(string suffix)
    {
        var tail = Encoding.UTF8.GetBytes(suffix);
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (_received.Count < tail.Length || !System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_received)[^tail.Length..].SequenceEqual(tail))
        {
            if (_ended || !await ReceiveAsync(cts.Token, suffix))
            {
                throw new Xunit.Sdk.XunitException($"The connection ended before '{suffix}' after {_received.Count} bytes.");
            }
        }
    }

    private static byte[] Request(Uri baseAddress, string pathAndQuery) =>
        Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n");

    // A response with a Content-Length body, read to its end and dropped.
    private async Task ReadResponseWithLengthAsync()
    {
        await ReadUntilAsync("\r\n\r\n");
        var text = Text;
        var headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var length = text[..headersEnd].Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .Single();
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (_received.Count < headersEnd + length)
        {
            if (!await ReceiveAsync(cts.Token, "the earlier response's body"))
            {
                throw new Xunit.Sdk.XunitException($"The connection ended within the earlier response:\n{Text}");
            }
        }

        Assert.Equal(headersEnd + length, _received.Count);
        _received.Clear();
    }

    /// <summary>Reads until the text received contains <paramref name="marker"/>.</summary>
    public async Task ReadUntilAsync(string marker)
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (!Text.Contains(marker, StringComparison.Ordinal))
        {
            if (_ended || !await ReceiveAsync(cts.Token, marker))
            {
                throw new Xunit.Sdk.XunitException($"The connection ended before '{marker}'; received:\n{Text}");
            }
        }
    }

    /// <summary>Reads until <paramref name="marker"/> was received <paramref name="count"/> times.</summary>
    public async Task ReadUntilCountAsync(string marker, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Occurrences(marker) < count)
        {
            if (!await ReceiveAsync(cts.Token, $"{count} x '{marker}'"))
            {
                throw new Xunit.Sdk.XunitException($"The connection ended after {Occurrences(marker)} x '{marker}'; received:\n{Text}");
            }
        }
    }

    /// <summary>
    /// Reads at most <paramref name="bytesPerRead"/> bytes per receive, pausing <paramref name="pause"/>
    /// before each (a client on a slow link that keeps reading), until <paramref name="bytes"/> were
    /// received in all.
    /// </summary>
    public async Task ReadSlowlyAsync(long bytes, int bytesPerRead, TimeSpan pause, TimeSpan timeout)
    {
        var buffer = new byte[bytesPerRead];
        using var cts = new CancellationTokenSource(timeout);
        while (_received.Count < bytes)
        {
            int read;
            try
            {
                // The pacing is the behaviour under test (a slow reader), not a wait for an event.
                await Task.Delay(pause, cts.Token);
                read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited {timeout} for {bytes} bytes; {_received.Count} arrived.");
            }
            catch (SocketException ex)
            {
                throw new Xunit.Sdk.XunitException($"The connection failed ({ex.SocketErrorCode}) after {_received.Count} of {bytes} bytes.");
            }

            if (read == 0)
            {
                throw new Xunit.Sdk.XunitException($"The connection ended after {_received.Count} of {bytes} bytes.");
            }

            _received.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// Reads (and discards) until the server closes or resets the connection; returns how many
    /// bytes were still readable. Throws <see cref="TimeoutException"/> if it stays open.
    /// </summary>
    public async Task<long> ReadToEndAsync(TimeSpan timeout)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) is > 0 and var read)
            {
                total += read;
            }
        }
        catch (SocketException)
        {
            // Reset: closed too.
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"The server kept the connection open for {timeout} ({total} bytes read).");
        }

        _ended = true;
        return total;
    }

    /// <summary>Splits the response into its header block and the chunks of its body (the last one empty if it was terminated).</summary>
    public (string Headers, IReadOnlyList<string> Chunks) Parse()
    {
        var text = Text;
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"No header block in:\n{text}");
        var chunks = new List<string>();
        var at = split + 4;
        while (at < text.Length)
        {
            var lineEnd = text.IndexOf("\r\n", at, StringComparison.Ordinal);
            Assert.True(lineEnd > at, $"A chunk size line is cut at {at}:\n{text}");
            var size = Convert.ToInt32(text[at..lineEnd], 16);
            var data = lineEnd + 2;
            Assert.True(data + size + 2 <= text.Length, $"A chunk of {size} bytes is cut short:\n{text}");
            Assert.Equal("\r\n", text.Substring(data + size, 2));
            chunks.Add(text.Substring(data, size));
            at = data + size + 2;
            if (size == 0)
            {
                Assert.True(at == text.Length, $"Bytes after the terminating chunk:\n{text}");
            }
        }

        return (text[..split], chunks);
    }

    public void Dispose() => _socket.Dispose();

    private int Occurrences(string marker)
    {
        var text = Text;
        var count = 0;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private async Task<bool> ReceiveAsync(CancellationToken cancellationToken, string what)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                _ended = true;
                return false;
            }

            _received.AddRange(buffer.AsSpan(0, read));
            return true;
        }
        catch (SocketException)
        {
            _ended = true;
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {Wait.Timeout} for {what}; received:\n{Text}");
        }
    }
}
