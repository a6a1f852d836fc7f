using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;

namespace OrleansSse.Testing;

/// <summary>
/// One open <c>GET /api/sse</c> stream read by <see cref="SseParser"/> in a background loop.
/// Application events queue up in arrival order; <see cref="NextAsync(TimeSpan)"/> and friends
/// take them off and throw <see cref="TimeoutException"/> (listing what did arrive) when nothing
/// fitting comes in time. The <c>connected</c> event is not queued: it is <see cref="Connected"/>.
/// Comments (heartbeats) and the <c>retry:</c> field are invisible here; use
/// <see cref="SseRawConnection"/> for exact bytes. Keeps every received event in memory.
/// </summary>
public sealed class SseTestConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<SseTestEvent> _events = Channel.CreateUnbounded<SseTestEvent>();
    private readonly List<SseTestEvent> _received = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SseTestEvent> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _description;
    private Task _pump = Task.CompletedTask;
    private string? _lastEventId;

    private SseTestConnection(HttpResponseMessage response, string description)
    {
        _response = response;
        _description = description;
    }

    /// <summary>The response status (200 for an open stream; 4xx/5xx when refused).</summary>
    public HttpStatusCode StatusCode => _response.StatusCode;

    /// <summary>The response headers.</summary>
    public HttpResponseHeaders Headers => _response.Headers;

    /// <summary>The response content headers (<c>Content-Type</c>, <c>Content-Encoding</c>).</summary>
    public HttpContentHeaders ContentHeaders => _response.Content.Headers;

    /// <summary>The <c>connected</c> event; null when the silo refused the stream.</summary>
    public SseConnectedEvent? Connected { get; private set; }

    /// <summary>The response body when the silo refused the stream (a problem JSON), else null.</summary>
    public string? ErrorBody { get; private set; }

    /// <summary>
    /// The id a browser would resume from: the last <c>id:</c> field received (an event's, or one
    /// alone such as a watermark's, which dispatches no event; seen when the next event arrives or
    /// the stream ends), or null.
    /// </summary>
    public string? LastEventId => Volatile.Read(ref _lastEventId);

    /// <summary>Completes (never faults) when the stream ends: the server closed or reset it, or it was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The error that ended the stream, if it did not end cleanly.</summary>
    public Exception? StreamError { get; private set; }

    /// <summary>
    /// Whether <see cref="Received"/> keeps every event (default true). Set false before a bulk
    /// test so taken events can be collected; the queue itself still holds untaken events.
    /// </summary>
    public bool KeepReceived { get; set; } = true;

    /// <summary>Every application event received so far, in order (including ones already taken).</summary>
    public IReadOnlyList<SseTestEvent> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    internal static async Task<SseTestConnection> OpenAsync(
        HttpClient http, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // One deadline for the headers and the connected event together.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var response = await StreamRequest.SendAsync(http, pathAndQuery, headers, acceptEventStream: true, timeout, cancellationToken).ConfigureAwait(false);
        var connection = new SseTestConnection(response, $"{http.BaseAddress}{pathAndQuery.TrimStart('/')}");
        try
        {
            await connection.StartAsync(timeout, cts.Token).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>The next application event.</summary>
    /// <exception cref="TimeoutException">None arrived in time, or the stream ended.</exception>
    public Task<SseTestEvent> NextAsync(TimeSpan timeout) => NextAsync(static _ => true, timeout);

    /// <summary>The next application event matching <paramref name="predicate"/>; earlier non-matching events are taken and skipped.</summary>
    /// <exception cref="TimeoutException">None arrived in time, or the stream ended.</exception>
    public async Task<SseTestEvent> NextAsync(Func<SseTestEvent, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var evt = await _events.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
                if (predicate(evt))
                {
                    return evt;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw Timeout($"No matching event within {timeout}");
        }
        catch (ChannelClosedException)
        {
            throw Timeout("The stream ended before a matching event arrived");
        }
    }

    /// <summary>The next <paramref name="count"/> application events, all within <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time, or the stream ended.</exception>
    public async Task<IReadOnlyList<SseTestEvent>> CollectAsync(int count, TimeSpan timeout)
    {
        var result = new List<SseTestEvent>(count);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (result.Count < count)
            {
                result.Add(await _events.Reader.ReadAsync(cts.Token).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is ChannelClosedException || (ex is OperationCanceledException && cts.IsCancellationRequested))
        {
            throw Timeout($"Collected {result.Count} of {count} events within {timeout}" + (ex is ChannelClosedException ? " (stream ended)" : ""));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_abort.IsCancellationRequested)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
        }

        _response.Dispose();
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pump records its own errors; disposal only waits for it.
        }

        _closed.TrySetResult();
        _abort.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"SSE {_description} ({Connected?.ClientId ?? ((int)StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_response.IsSuccessStatusCode)
        {
            ErrorBody = await _response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            _events.Writer.TryComplete();
            _closed.TrySetResult();
            return;
        }

        var stream = await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        _pump = Task.Run(() => PumpAsync(stream), CancellationToken.None);
        try
        {
            Connected = SseConnectedEvent.Parse(await _first.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            throw Timeout($"No first event within {timeout}");
        }
    }

    private async Task PumpAsync(Stream stream)
    {
        var parser = SseParser.Create(stream, static (_, bytes) => Encoding.UTF8.GetString(bytes));
        try
        {
            await foreach (var item in parser.EnumerateAsync(_abort.Token).ConfigureAwait(false))
            {
                var evt = new SseTestEvent(item.EventType, item.Data, item.EventId);
                if (_first.TrySetResult(evt))
                {
                    continue;
                }

                NoteLastEventId(parser.LastEventId);

                if (KeepReceived)
                {
                    lock (_received)
                    {
                        _received.Add(evt);
                    }
                }

                _events.Writer.TryWrite(evt);
            }
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            StreamError = ex;
        }
        catch (Exception)
        {
            // Disposed by the test.
        }
        finally
        {
            NoteLastEventId(parser.LastEventId);
            _first.TrySetException(new InvalidOperationException("The stream ended before its first event.", StreamError));
            _events.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    private void NoteLastEventId(string id)
    {
        if (id.Length > 0)
        {
            Volatile.Write(ref _lastEventId, id);
        }
    }

    private TimeoutException Timeout(string what)
    {
        var received = Received;
        var sb = new StringBuilder();
        sb.Append(what).Append(" on ").Append(ToString()).Append(". Stream ")
          .Append(_closed.Task.IsCompleted ? "closed" + (StreamError is null ? "" : $" ({StreamError.GetType().Name}: {StreamError.Message})") : "open")
          .Append(". Received ").Append(received.Count).Append(" event(s)");
        var start = Math.Max(0, received.Count - 20);
        if (start > 0)
        {
            sb.Append(", the last 20");
        }

        sb.Append(received.Count == 0 ? "." : ":");
        for (var i = start; i < received.Count; i++)
        {
            sb.Append("\n  [").Append(i).Append("] ").Append(received[i]);
        }

        return new TimeoutException(sb.ToString());
    }
}
