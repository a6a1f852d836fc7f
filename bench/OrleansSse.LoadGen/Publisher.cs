using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansSse.LoadGen;

/// <summary>
/// Publishes through the HTTP API with keep-alive connections (one per worker): broadcast, or
/// targeted <c>send</c> round-robin over the clients. Events are 64 bytes of data,
/// <c>seq,timestamp,</c> padded with <c>x</c>; the timestamp is taken just before the request
/// is sent. With a rate, event i is due at start + i / rate (late workers catch up without
/// waiting); flat out, workers stop issuing while more than <c>--window</c> events per client
/// are in flight, unless deliveries have stalled (lost events never arrive).
/// </summary>
internal sealed class Publisher : IDisposable
{
    private const int PayloadBytes = 64;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly LoadOptions _options;
    private readonly LoadStats _stats;
    private readonly SseConnection[] _targets;
    private readonly HttpClient _http;
    private readonly bool _broadcast;
    private long _next = -1;

    public Publisher(LoadOptions options, LoadStats stats, SseConnection[] targets)
    {
        _options = options;
        _stats = stats;
        _targets = targets;
        _broadcast = options.Scenario == "broadcast";
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Workers, UseProxy = false };
        _http = new HttpClient(handler) { BaseAddress = options.PublishTarget, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task RunAsync()
    {
        var totalRate = _broadcast ? _options.Rate : _options.Rate * _targets.Length;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(_options.DurationSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(totalRate, start, end)));
        await Task.WhenAll(workers);
    }

    public void Dispose() => _http.Dispose();

    private async Task WorkAsync(double totalRate, long start, long end)
    {
        var perEvent = _broadcast ? _targets.Length : 1;
        while (true)
        {
            var i = Interlocked.Increment(ref _next);
            if (totalRate > 0)
            {
                var due = start + (long)(i / totalRate * Stopwatch.Frequency);
                if (due >= end)
                {
                    return;
                }
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }
            }
            else if (!await WaitForWindowAsync(end))
            {
                return;
            }
            _stats.Issue(perEvent);
            await PublishAsync(i);
        }
    }

    private async Task<bool> WaitForWindowAsync(long end)
    {
        var limit = (long)_options.Window * _targets.Length;
        var delivered = _stats.Delivered;
        var progressAt = Stopwatch.GetTimestamp();
        while (_stats.IssuedDeliveries - _stats.Delivered > limit)
        {
            if (Stopwatch.GetTimestamp() >= end)
            {
                return false;
            }
            if (_stats.Delivered != delivered)
            {
                delivered = _stats.Delivered;
                progressAt = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(progressAt) > TimeSpan.FromMilliseconds(500))
            {
                break;
            }
            await Task.Delay(1);
        }
        return Stopwatch.GetTimestamp() < end;
    }

    private async Task PublishAsync(long i)
    {
        var target = _broadcast ? null : _targets[i % _targets.Length];
        var sequence = _broadcast ? i : i / _targets.Length;
        var started = Stopwatch.GetTimestamp();
        var data = Payload(sequence, started);
        var body = target is null
            ? $"{{\"event\":\"bench\",\"data\":\"{data}\"}}"
            : $"{{\"client_id\":\"{target.ClientId}\",\"event\":\"bench\",\"data\":\"{data}\"}}";
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = Json;
        var ok = false;
        try
        {
            using var response = await _http.PostAsync(target is null ? "api/sse/broadcast" : "api/sse/send", content);
            ok = response.StatusCode == HttpStatusCode.Accepted;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Counted as a publish error.
        }
        if (ok && target is not null)
        {
            Interlocked.Increment(ref target.Expected);
        }
        _stats.RecordPublish(ok, started);
    }

    private static string Payload(long sequence, long timestamp)
    {
        var head = $"{sequence},{timestamp},";
        return head.PadRight(PayloadBytes, 'x');
    }
}
