using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
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

    /// <summary>
    /// Reads <c>{"event","data","coalesce_key"}</c> (and <c>client_id</c> when <paramref name="withClientId"/>).
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
                return (null, Problems.BadRequest($"'event' must not be '{name}': the broker emits it itself."));
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
            coalesceKey = key.ValueKind == JsonValueKind.String ? StringOf(key) : null;
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
