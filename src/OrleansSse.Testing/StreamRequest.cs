namespace OrleansSse.Testing;

/// <summary>Opens <c>GET</c> on a stream path and returns once its response headers arrived.</summary>
internal static class StreamRequest
{
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers, bool acceptEventStream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (acceptEventStream)
        {
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET {http.BaseAddress}{pathAndQuery.TrimStart('/')}: no response headers within {timeout}.");
        }
    }
}
