using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansSse.Ai;

/// <summary>Maps the AI streaming endpoint.</summary>
public static class AiEndpointRouteBuilderExtensions
{
    /// <summary>The endpoint's path.</summary>
    public const string StreamChatPath = "/api/ai/stream-chat";

    /// <summary>
    /// Maps <c>POST /api/ai/stream-chat</c> with body <c>{"prompt":"…","client_id":"…"}</c>: starts
    /// the answer and returns <c>202 {"client_id":"…"}</c>; the answer streams to that client as
    /// <c>ai_response</c> events. A missing, blank or over-long prompt, an invalid client id or a
    /// body that is not a JSON object gets <c>400</c> with a problem body; a prompt for a client
    /// without a running answer while <see cref="AiOptions.MaxConcurrentAnswers"/> answers run, or
    /// any prompt while the service stops, gets <c>503</c> with <c>Retry-After</c> and a problem
    /// body, and nothing starts. Returns the builder so
    /// filters (e.g. authorization) can be attached.
    /// </summary>
    public static RouteHandlerBuilder MapOrleansSseAi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost(StreamChatPath, StreamChatEndpoint.HandleAsync)
            .WithName("OrleansSseAiStreamChat");
    }
}
