using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace OrleansSse.Security.Tests;

/// <summary>An open <c>GET /api/sse</c> response read with <see cref="SseParser"/> in the background.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<SseItem<string>> _items = Channel.CreateUnbounded<SseItem<string>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SseStream(HttpResponseMessage response) => Response = response;

    public HttpResponseMessage Response { get; }

    /// <summary>Completes when the server ends the stream: true when the response ended cleanly, false when it was cut.</summary>
    public Task<bool> Ended => _ended.Task;

    public static async Task<SseStream> OpenAsync(HttpClient http, HttpRequestMessage request)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeout);
        var stream = new SseStream(response);
        if (response.IsSuccessStatusCode)
        {
            _ = stream.PumpAsync();
        }

        return stream;
    }

    /// <summary>The next event (not comments), within <see cref="Timeout"/>.</summary>
    public async Task<SseItem<string>> NextAsync() => await _items.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Reads the connected event and returns its <c>client_id</c>.</summary>
    public async Task<string> ConnectedAsync()
    {
        var first = await NextAsync();
        Assert.Equal("connected", first.EventType);
        using var data = JsonDocument.Parse(first.Data);
        return data.RootElement.GetProperty("client_id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Response.Dispose();
    }

    private async Task PumpAsync()
    {
        var clean = false;
        try
        {
            await using var body = await Response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(body);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                await _items.Writer.WriteAsync(item);
            }

            clean = true;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The server cut the stream.
        }
        finally
        {
            _items.Writer.TryComplete();
            _ended.TrySetResult(clean);
        }
    }
}
