using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// A minimal SSE client for any URL (e.g. through nginx), read with <see cref="SseParser"/>:
/// events queue up in arrival order; every wait has a timeout.
/// </summary>
internal sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<SseItem<string>> _items = Channel.CreateUnbounded<SseItem<string>>();
    private readonly CancellationTokenSource _abort = new();
    private Task _pump = Task.CompletedTask;

    private SseReader(HttpResponseMessage response) => _response = response;

    public static async Task<SseReader> OpenAsync(HttpClient http, string pathAndQuery, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var reader = new SseReader(response);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            await reader.DisposeAsync();
            throw new InvalidOperationException($"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        }

        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        reader._pump = Task.Run(() => reader.PumpAsync(stream));
        return reader;
    }

    public async Task<SseItem<string>> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _items.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No SSE event within {timeout} on {_response.RequestMessage?.RequestUri}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        _response.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception)
        {
            // Ended by disposal.
        }

        _abort.Dispose();
    }

    private async Task PumpAsync(Stream stream)
    {
        try
        {
            var parser = SseParser.Create(stream, static (_, bytes) => Encoding.UTF8.GetString(bytes));
            await foreach (var item in parser.EnumerateAsync(_abort.Token))
            {
                _items.Writer.TryWrite(item);
            }
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }
}
