using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansSse.Json;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Http;

/// <summary>Reads and validates request bodies, answering a problem (4xx) for anything wrong.</summary>
internal static class JsonBody
{
    /// <summary>
    /// Parsing options for request bodies: a property given twice is refused (a proxy reading the
    /// first and the broker the last would disagree on, say, the client id).
    /// </summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    // Non-string data goes out as compact JSON without escaping non-ASCII or HTML characters: an
    // event stream is not HTML, and line breaks inside JSON strings stay escaped (\n), so the
    // text is still one data line.
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The properties of a send body (<c>POST /api/sse/send</c>).</summary>
    private static readonly string[] SendProperties = ["client_id", "event", "data", "coalesce_key"];

    /// <summary>The properties of a broadcast or group send body.</summary>
    private static readonly string[] FanOutProperties = ["event", "data", "coalesce_key"];

    /// <summary>
    /// Reads <c>{"event","data","coalesce_key"}</c> (and <c>client_id</c> when <paramref name="withClientId"/>).
    /// Any other property is refused, so a misspelt <c>event</c> is not published as <c>message</c>
    /// and a private send posted to broadcast is not published to everyone.
    /// <c>event</c> defaults to <c>message</c>; <c>data</c> is required: a JSON string is sent as its
    /// text, any other JSON value as compact JSON; <c>coalesce_key</c> is optional (null or absent:
    /// none) and follows the client id rules.
    /// </summary>
    public static async Task<(PublishRequest? Request, IResult? Problem)> ReadPublishAsync(HttpContext context, bool withClientId)
    {
        var (root, problem) = await ReadObjectAsync(context);
        if (root is not { } body)
        {
            return (null, problem);
        }

        using var owned = body;
        if (UnknownProperty(body.RootElement, withClientId ? SendProperties : FanOutProperties) is { } unknown)
        {
            return (null, Problems.BadRequest(unknown));
        }

        string? clientId = null;
        if (withClientId)
        {
            if (!body.RootElement.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return (null, Problems.BadRequest("'client_id' is required and must be a string."));
            }

            clientId = StringOf(id);
            if (!SseNames.IsValidKey(clientId))
            {
                return (null, Problems.BadRequest(InvalidKey("client_id")));
            }
        }

        var name = SseEvent.DefaultName;
        if (body.RootElement.TryGetProperty("event", out var evt) && evt.ValueKind != JsonValueKind.Null)
        {
            if (evt.ValueKind != JsonValueKind.String)
            {
                return (null, Problems.BadRequest("'event' must be a string."));
            }

            name = StringOf(evt) ?? "";
            if (!SseNames.IsValidEventName(name))
            {
                return (null, Problems.BadRequest(
                    $"'event' must be 1-{SseNames.MaxEventLength} printable ASCII characters without spaces, CR, LF or NUL."));
            }

            if (!SseNames.IsPublishableEventName(name))
            {
                return (null, Problems.BadRequest(name is "open" or "error"
                    ? $"'event' must not be '{name}': a browser's EventSource would take it for its own connection event."
                    : $"'event' must not be '{name}': the broker emits it itself."));
            }
        }

        if (!body.RootElement.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Undefined)
        {
            return (null, Problems.BadRequest("'data' is required."));
        }

        var text = data.ValueKind == JsonValueKind.String ? StringOf(data) : JsonSerializer.Serialize(data, Compact);
        if (text is null)
        {
            return (null, Problems.BadRequest("'data' is not valid Unicode (it holds a lone surrogate escape)."));
        }

        string? coalesceKey = null;
        if (body.RootElement.TryGetProperty("coalesce_key", out var key) && key.ValueKind != JsonValueKind.Null)
        {
            if (key.ValueKind != JsonValueKind.String)
            {
                return (null, Problems.BadRequest("'coalesce_key' must be a string."));
            }

            coalesceKey = StringOf(key);
            if (!SseNames.IsValidKey(coalesceKey))
            {
                return (null, Problems.BadRequest(InvalidKey("coalesce_key")));
            }
        }

        return (new PublishRequest(clientId, new SseEvent(name, text) { CoalesceKey = coalesceKey }), null);
    }

    /// <summary>The text of a JSON string, or null when it cannot be text (a lone surrogate such as <c>"\ud800"</c>).</summary>
    public static string? StringOf(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The message for the first property of <paramref name="body"/> not in <paramref name="allowed"/>, or null.</summary>
    private static string? UnknownProperty(JsonElement body, string[] allowed)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (allowed.Any(property.NameEquals))
            {
                continue;
            }

            var list = string.Join(", ", allowed);
            if (property.NameEquals("client_id"))
            {
                return $"'client_id' is not a property of this endpoint: it publishes to every subscriber of the broadcast or group " +
                    $"(POST /api/sse/send sends to one client). Allowed: {list}.";
            }

            return $"Unknown property {JsonPropertyNames.Describe(property)}. Allowed: {list}.";
        }

        return null;
    }

    /// <summary>The message for an invalid client id or group name.</summary>
    public static string InvalidKey(string what) =>
        $"'{what}' must be 1-{SseNames.MaxKeyLength} characters of ASCII letters, digits and -_.:@";

    private static async Task<(JsonDocument? Body, IResult? Problem)> ReadObjectAsync(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return (null, Problems.TooLarge(limit));
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        try
        {
            var document = await JsonDocument.ParseAsync(context.Request.Body, Strict, context.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, Problems.BadRequest("The body must be a JSON object."));
            }

            return (document, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("The body is not valid JSON: " + ex.Message));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(limit));
        }
    }
}
