using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OrleansSse.Ai;

/// <summary>
/// An <see cref="IChatClient"/> over an OpenAI-compatible <c>POST {BaseUrl}/chat/completions</c>
/// with <c>"stream": true</c> (OpenAI, Azure-style gateways, vLLM, Ollama, llama.cpp server…).
/// It parses the upstream's Server-Sent Events and yields one update per
/// <c>choices[0].delta.content</c>, stopping at <c>data: [DONE]</c>. Limits: text only (no tools,
/// images or multiple choices); only <see cref="ChatOptions.ModelId"/>, <see cref="ChatOptions.Temperature"/>
/// and <see cref="ChatOptions.MaxOutputTokens"/> are forwarded. A non-success status, an
/// <c>error</c> object in the stream or an upstream silent for longer than the idle timeout
/// throws <see cref="AiUpstreamException"/>.
/// </summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    private const int MaxErrorBodyChars = 1024;

    private static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromDays(24);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _endpoint;
    private readonly string _model;
    private readonly string? _apiKey;
    private readonly TimeSpan? _idleTimeout;

    /// <summary>Creates the client.</summary>
    /// <param name="http">Sends the requests. Its <see cref="HttpClient.Timeout"/> bounds the wait for response headers only.</param>
    /// <param name="baseUrl">E.g. <c>https://api.openai.com/v1</c>; <c>/chat/completions</c> is appended.</param>
    /// <param name="model">The default model name.</param>
    /// <param name="apiKey">Sent as <c>Authorization: Bearer</c> when not empty.</param>
    /// <param name="ownsHttp">Whether <see cref="Dispose"/> disposes <paramref name="http"/>.</param>
    /// <param name="idleTimeout">
    /// The longest the upstream may stay silent: until its response headers, and then whenever the
    /// enumeration waits for more of the streamed body (any bytes count; time the caller spends
    /// between updates does not). Past it the request is cancelled (its connection closed) and
    /// <see cref="AiUpstreamException"/> is thrown. <c>null</c> (the default):
    /// no such bound, the body may stall for ever.
    /// </param>
    public OpenAiCompatibleChatClient(HttpClient http, string baseUrl, string model, string? apiKey = null, bool ownsHttp = false, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/chat/completions", UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The base URL must be an absolute http(s) URL.", nameof(baseUrl));
        }

        if (idleTimeout is { } idle && (idle <= TimeSpan.Zero || idle > MaxIdleTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(idleTimeout), idle, "The idle timeout must be positive and at most 24 days.");
        }

        _http = http;
        _ownsHttp = ownsHttp;
        _endpoint = endpoint;
        _model = model;
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Where requests go: <c>{BaseUrl}/chat/completions</c>.</summary>
    public Uri Endpoint => _endpoint;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(WriteRequestBody(messages, options)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        // One token for the whole request, cancelled by the caller or by the upstream's silence.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Arm(idle);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSilence(ex, idle, cancellationToken))
        {
            throw new AiUpstreamException("The AI endpoint did not answer in time.", null, null, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadStartAsync(response, idle, cancellationToken).ConfigureAwait(false);
                throw new AiUpstreamException(
                    $"The AI endpoint answered {(int)response.StatusCode} ({response.ReasonPhrase}).", response.StatusCode, body);
            }

            var stream = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            if (_idleTimeout is { } timeout)
            {
                stream = new IdleTimeoutStream(stream, idle, timeout);
            }

            await using (stream.ConfigureAwait(false))
            {
                var items = SseParser.Create(stream).EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
                try
                {
                    while (await MoveNextAsync(items, idle, cancellationToken).ConfigureAwait(false))
                    {
                        var item = items.Current;
                        if (item.Data == "[DONE]")
                        {
                            yield break;
                        }

                        if (TryReadChunk(item.Data) is { } update)
                        {
                            yield return update;
                        }
                    }
                }
                finally
                {
                    await items.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("openai-compatible", _endpoint, _model);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private byte[] WriteRequestBody(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", options?.ModelId ?? _model);
            json.WriteBoolean("stream", true);
            if (options?.Temperature is { } temperature)
            {
                json.WriteNumber("temperature", temperature);
            }

            if (options?.MaxOutputTokens is { } maxTokens)
            {
                json.WriteNumber("max_tokens", maxTokens);
            }

            json.WriteStartArray("messages");
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Value);
                json.WriteString("content", message.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static ChatResponseUpdate? TryReadChunk(string data)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException ex)
        {
            throw new AiUpstreamException("The AI endpoint streamed a chunk that is not JSON.", null, Truncate(data), ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()
                    : error.ToString();
                throw new AiUpstreamException("The AI endpoint reported an error: " + Truncate(message ?? ""), null, Truncate(data));
            }

            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                return null;
            }

            var choice = choices[0];
            string? content = null;
            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                && delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            {
                content = c.GetString();
            }

            ChatFinishReason? finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String
                ? new ChatFinishReason(f.GetString()!)
                : null;
            if (string.IsNullOrEmpty(content) && finish is null)
            {
                return null;
            }

            return new ChatResponseUpdate(ChatRole.Assistant, content)
            {
                FinishReason = finish,
                ResponseId = root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
                ModelId = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null,
            };
        }
    }

    private void Arm(CancellationTokenSource idle)
    {
        if (_idleTimeout is { } timeout)
        {
            idle.CancelAfter(timeout);
        }
    }

    private async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<SseItem<string>> items, CancellationTokenSource idle, CancellationToken caller)
    {
        try
        {
            return await items.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSilence(ex, idle, caller))
        {
            var seconds = _idleTimeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            throw new AiUpstreamException($"The AI endpoint stopped sending: nothing arrived for {seconds} s.", null, null, ex);
        }
    }

    /// <summary>Whether <paramref name="ex"/> is the idle timer ending the request (not the caller cancelling it).</summary>
    private static bool IsSilence(Exception ex, CancellationTokenSource idle, CancellationToken caller) =>
        (ex is OperationCanceledException or IOException or HttpRequestException)
        && idle.IsCancellationRequested && !caller.IsCancellationRequested;

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationTokenSource idle, CancellationToken caller)
    {
        var cancellationToken = idle.Token;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var buffer = new char[MaxErrorBodyChars];
                var read = await reader.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
                return new string(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || IsSilence(ex, idle, caller))
        {
            return "";
        }
    }

    private static string Truncate(string text) =>
        text.Length <= MaxErrorBodyChars ? text : text[..MaxErrorBodyChars];
}
