using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansSse.Json;

namespace OrleansSse.Ai;

/// <summary>The handler of <c>POST /api/ai/stream-chat</c>.</summary>
internal static class StreamChatEndpoint
{
    /// <summary>The <c>Retry-After</c> of the 503 a stopping service answers (as a draining silo's stream endpoint).</summary>
    private const string StoppingRetryAfterSeconds = "1";

    /// <summary>The <c>Retry-After</c> of the 503 a silo answers when <see cref="AiOptions.MaxConcurrentAnswers"/> answers run (as a full silo's stream endpoint by default).</summary>
    private const string FullRetryAfterSeconds = "5";

    public static async Task<IResult> HandleAsync(
        HttpRequest request,
        [FromServices] AiStreamingService service,
        [FromServices] IOptions<AiOptions> options,
        CancellationToken cancellationToken)
    {
        // The body holds one prompt: bound it by the prompt limit (UTF-8, JSON-escaped) plus room for the rest.
        var limit = (options.Value.MaxPromptLength * 6L) + 4096;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { AllowDuplicateProperties = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Invalid("The body must be a JSON object {\"prompt\":\"…\",\"client_id\":\"…\"} (each property once).");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }

        string? prompt;
        string? clientId;
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid("The body must be a JSON object {\"prompt\":\"…\",\"client_id\":\"…\"}.");
            }

            // Like the publishing endpoints: a misspelt property is refused, not ignored.
            foreach (var property in root.EnumerateObject())
            {
                if (!property.NameEquals("prompt") && !property.NameEquals("client_id"))
                {
                    return Invalid($"Unknown property {JsonPropertyNames.Describe(property)}. Allowed: prompt, client_id.");
                }
            }

            prompt = ReadString(root, "prompt");
            clientId = ReadString(root, "client_id");
        }

        if (string.IsNullOrWhiteSpace(prompt))
        {
            return Invalid("'prompt' is required and must be a non-empty string.");
        }

        var max = options.Value.MaxPromptLength;
        if (prompt.Length > max)
        {
            return Invalid($"'prompt' must be at most {max} characters.");
        }

        if (clientId is null)
        {
            return Invalid("'client_id' is required and must be a string.");
        }

        if (!SseNames.IsValidKey(clientId))
        {
            return Invalid($"'client_id' must be 1-{SseNames.MaxKeyLength} characters of ASCII letters, digits and -_.:@");
        }

        try
        {
            await service.StartAsync(clientId!, prompt, cancellationToken).ConfigureAwait(false);
        }
        catch (AiCapacityExceededException ex)
        {
            // This silo runs as many answers as it may: try again later (or on another silo).
            request.HttpContext.Response.Headers.RetryAfter = FullRetryAfterSeconds;
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
        }
        catch (InvalidOperationException ex)
        {
            // The service is stopping (the silo drains): try again soon, on another silo.
            request.HttpContext.Response.Headers.RetryAfter = StoppingRetryAfterSeconds;
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
        }

        return Results.Json(new StreamChatAccepted(clientId!), statusCode: StatusCodes.Status202Accepted);
    }

    private static string? ReadString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null; // not valid UTF-16 (e.g. a lone surrogate): treated as missing, so 400
        }
    }

    private static IResult TooLarge(long limit) =>
        Results.Problem($"The request body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    private static IResult Invalid(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
}
