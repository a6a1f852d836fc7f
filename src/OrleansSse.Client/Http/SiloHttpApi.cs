using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansSse.Client.Http;

/// <summary>
/// The silo's HTTP API as the grains use it: validates locally, sends with the publisher key,
/// and maps refusals: a 503 whose problem type is <see cref="SseProblemTypes.BackplaneUnavailable"/>
/// → <see cref="BackplaneUnavailableException"/>; any other non-2xx (other 503s included, with
/// their <c>Retry-After</c>) or an unreachable silo → <see cref="SseClientException"/>.
/// </summary>
internal sealed class SiloHttpApi(Func<HttpClient> http, Uri baseAddress, string? publisherKey)
{
    private readonly Uri _base = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

    public static string Segment(string key) => Uri.EscapeDataString(key);

    public async Task<PublishResult> PublishAsync(string path, string? clientId, SseEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!SseNames.IsValidEventName(evt.Event))
        {
            throw new ArgumentException($"Event name must be 1-{SseNames.MaxEventLength} printable ASCII characters without spaces.", nameof(evt));
        }

        if (!SseNames.IsPublishableEventName(evt.Event))
        {
            throw new ArgumentException(
                $"Event name '{evt.Event}' is reserved ({string.Join(", ", SseNames.ReservedEvents)}): the broker or the browser's EventSource uses it.", nameof(evt));
        }

        ArgumentNullException.ThrowIfNull(evt.Data, nameof(evt.Data));
        if (evt.CoalesceKey is not null && !SseNames.IsValidKey(evt.CoalesceKey))
        {
            throw new ArgumentException($"Coalesce key must be 1-{SseNames.MaxKeyLength} characters of letters, digits and -_.:@", nameof(evt));
        }

        using var request = Create(HttpMethod.Post, path);
        request.Content = JsonContent.Create(new PublishBody(clientId, evt.Event, evt.Data, evt.CoalesceKey), ClientJsonContext.Default.PublishBody);
        var answer = await SendAsync(request, ClientJsonContext.Default.PublishResponse, cancellationToken).ConfigureAwait(false);
        return new PublishResult(answer.Id, answer.Online ?? false);
    }

    public async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = Create(method, path);
        using var response = await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Get, path);
        return await SendAsync(request, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The body is null.");
        }
        catch (JsonException ex)
        {
            throw new SseClientException($"{Describe(request)} answered a body that is not the expected JSON: {ex.Message}", response.StatusCode, null, ex);
        }
    }

    private HttpRequestMessage Create(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(publisherKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", publisherKey);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http().SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SseClientException($"{Describe(request)} failed: the silo could not be reached ({ex.Message}).", null, null, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SseClientException($"{Describe(request)} failed: the silo did not answer in time.", null, null, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
            var detail = problem?.Detail ?? problem?.Title;
            var message = $"{Describe(request)} answered {(int)response.StatusCode} {response.ReasonPhrase}{(detail is null ? "." : ": " + detail)}";
            throw IsBackplaneOutage(response, problem)
                ? new BackplaneUnavailableException(message, RetryAfter(response))
                : new SseClientException(message, response.StatusCode, detail, RetryAfter(response));
        }
    }

    /// <summary>Only the silo's own word: a 503 of type <see cref="SseProblemTypes.BackplaneUnavailable"/> (not any 503 on the way).</summary>
    private static bool IsBackplaneOutage(HttpResponseMessage response, ProblemResponse? problem) =>
        response.StatusCode == HttpStatusCode.ServiceUnavailable &&
        string.Equals(problem?.Type, SseProblemTypes.BackplaneUnavailable, StringComparison.Ordinal);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<ProblemResponse?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase)
                ? await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ProblemResponse, cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.AbsolutePath}";
}
