using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansSse.Silo.Detach;

/// <summary>Installs <see cref="StreamDetachMiddleware"/> and detaches started streams from Kestrel.</summary>
internal static class StreamDetach
{
    /// <summary>
    /// Adds the detach middleware to every endpoint Kestrel creates from here on (URLs,
    /// configuration, <c>Listen</c>). Limit: Kestrel keeps one endpoint-defaults callback, so a
    /// later <c>ConfigureEndpointDefaults</c> of the host's own replaces this one (streams then stay in Kestrel).
    /// </summary>
    public static void UseStreamDetach(this KestrelServerOptions options) =>
        options.ConfigureEndpointDefaults(listen =>
        {
            var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamDetachMiddleware));
            listen.Use(next => new StreamDetachMiddleware(next, logger).OnConnectionAsync);
        });

    /// <summary>
    /// Hands the started response of <paramref name="context"/> over to the connection middleware,
    /// which runs <paramref name="stream"/> once Kestrel has let go of the request. Only a plaintext
    /// HTTP/1.1 request without a body whose response is chunked can detach; returns false (and
    /// changes nothing) otherwise: the caller then writes the response through Kestrel as usual.
    /// </summary>
    public static bool TryDetach(HttpContext context, IDetachedStream stream)
    {
        if (context.Features.Get<IStreamDetachFeature>() is not { CanDetach: true } detach
            || !HttpProtocol.IsHttp11(context.Request.Protocol)
            || context.Request.IsHttps
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false }
            || !context.Response.HasStarted
            || !string.Equals(context.Response.Headers.TransferEncoding, "chunked", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        detach.Detach(stream);
        return true;
    }
}
