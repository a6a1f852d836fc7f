using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansSse.Testing;

/// <summary>
/// One open <c>GET /api/sse</c> whose body is read as bytes (after HTTP chunking is removed), for
/// exact-byte tests: the <c>connected</c> frame, <c>retry:</c>, <c>: heartbeat</c> comments, the
/// split of multi-line data. Reads happen only when asked. A timed-out read aborts the stream.
/// </summary>
public sealed class SseRawConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly List<byte> _buffer = [];
    private int _consumed;
    private bool _ended;

    private SseRawConnection(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _body = body;
    }

    /// <summary>The response status.</summary>
    public HttpStatusCode StatusCode => _response.StatusCode;

    /// <summary>The response headers.</summary>
    public HttpResponseHeaders Headers => _response.Headers;

    /// <summary>The response content headers.</summary>
    public HttpContentHeaders ContentHeaders => _response.Content.Headers;

    /// <summary>Everything read so far, decoded as UTF-8.</summary>
    public string TextSoFar => Encoding.UTF8.GetString([.. _buffer]);

    internal static async Task<SseRawConnection> OpenAsync(
        HttpClient http, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var response = await StreamRequest.SendAsync(http, pathAndQuery, headers, acceptEventStream: false, timeout, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new SseRawConnection(response, body);
    }

    /// <summary>The next <paramref name="count"/> bytes of the body.</summary>
    /// <exception cref="TimeoutException">They did not all arrive in time, or the stream ended first.</exception>
    public async Task<byte[]> ReadBytesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (_buffer.Count - _consumed < count)
        {
            if (!await FillAsync(cts, timeout, $"{count} bytes").ConfigureAwait(false))
            {
                throw Timeout($"The stream ended before {count} bytes arrived");
            }
        }

        var result = _buffer.GetRange(_consumed, count).ToArray();
        _consumed += count;
        return result;
    }

    /// <summary>
    /// The body text from the current position up to and including the next occurrence of
    /// <paramref name="marker"/>; the position moves past it.
    /// </summary>
    /// <exception cref="TimeoutException">The marker did not arrive in time, or the stream ended first.</exception>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        var needle = Encoding.UTF8.GetBytes(marker);
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var at = IndexOf(needle);
            if (at >= 0)
            {
                var end = at + needle.Length;
                var text = Encoding.UTF8.GetString([.. _buffer.GetRange(_consumed, end - _consumed)]);
                _consumed = end;
                return text;
            }

            if (!await FillAsync(cts, timeout, $"'{Escape(marker)}'").ConfigureAwait(false))
            {
                throw Timeout($"The stream ended before '{Escape(marker)}' arrived");
            }
        }
    }

    /// <summary>Reads until the server ends the stream; returns the unread rest of the body.</summary>
    /// <exception cref="TimeoutException">It did not end in time.</exception>
    public async Task<string> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await FillAsync(cts, timeout, "the end of the stream").ConfigureAwait(false))
        {
        }

        var text = Encoding.UTF8.GetString([.. _buffer.GetRange(_consumed, _buffer.Count - _consumed)]);
        _consumed = _buffer.Count;
        return text;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    private async Task<bool> FillAsync(CancellationTokenSource cts, TimeSpan timeout, string waitingFor)
    {
        if (_ended)
        {
            return false;
        }

        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            read = await _body.ReadAsync(chunk, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw Timeout($"Waited {timeout} for {waitingFor}");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            read = 0;
        }

        if (read == 0)
        {
            _ended = true;
            return false;
        }

        _buffer.AddRange(chunk.AsSpan(0, read));
        return true;
    }

    private int IndexOf(byte[] needle)
    {
        for (var i = _consumed; i <= _buffer.Count - needle.Length; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = _buffer[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    private TimeoutException Timeout(string what) =>
        new($"{what}. Unread: \"{Escape(Encoding.UTF8.GetString([.. _buffer.GetRange(_consumed, _buffer.Count - _consumed)]))}\"" +
            $" (after {_consumed} consumed bytes; stream {(_ended ? "ended" : "open")}).");

    private static string Escape(string text) =>
        text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
