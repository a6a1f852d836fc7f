using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansSse.Silo.Detach;

/// <summary>Installs <see cref="StreamDetachMiddleware"/> and detaches started streams from Kestrel.</summary>
internal static class StreamDetach
{
    /// <summary>
    /// Adds the detach middleware to every endpoint Kestrel creates from here on (URLs,
    /// configuration, <c>Listen</c>). Limit: Kestrel keeps one endpoint-defaults callback, so a
    /// later <c>ConfigureEndpointDefaults</c> of the host's own replaces this one (streams then stay in
    /// Kestrel, and <see cref="StreamDetachCheck"/> warns at start).
    /// </summary>
    public static void UseStreamDetach(this KestrelServerOptions options) =>
        options.ConfigureEndpointDefaults(listen =>
        {
            listen.ApplicationServices.GetService<StreamDetachState>()?.MarkInstalled();
            var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamDetachMiddleware));
            listen.Use(next => new StreamDetachMiddleware(next, logger).OnConnectionAsync);
        });

    /// <summary>
    /// Called before the response starts, by a stream that will try to detach: keeps the response
    /// head Kestrel writes off the transport, so that the detached stream sends it, and then its
    /// body, straight to the socket (<see cref="SocketBodyWriter"/>). Only when the request could
    /// detach and the connection has written nothing yet; returns false otherwise. Unless
    /// <see cref="TryDetach"/> follows and succeeds, call <see cref="ReleaseResponseHead"/>
    /// (<see cref="TryDetach"/> does that itself when it fails).
    /// </summary>
    public static bool TryCaptureResponseHead(HttpContext context) =>
        CanDetach(context) && context.Features.Get<IStreamDetachFeature>() is { } detach && detach.TryCaptureResponseHead();

    /// <summary>
    /// Whether a stream on <paramref name="context"/> would detach (<see cref="TryDetach"/>, given a
    /// chunked response): its connection then closes after the stream, so the response says
    /// <c>Connection: close</c> and no client pools it for another request.
    /// </summary>
    public static bool WouldDetach(HttpContext context) =>
        CanDetach(context) && context.Features.Get<IStreamDetachFeature>() is { CanDetach: true };

    /// <summary>Passes a captured response head on to the transport (the stream did not detach).</summary>
    public static void ReleaseResponseHead(HttpContext context) =>
        context.Features.Get<IStreamDetachFeature>()?.ReleaseResponseHead();

    /// <summary>
    /// Hands the started response of <paramref name="context"/> over to the connection middleware,
    /// which runs <paramref name="stream"/> once Kestrel has let go of the request. Only a plaintext
    /// HTTP/1.1 request without a body whose response is chunked can detach; returns false (and
    /// changes nothing but releasing a captured response head) otherwise: the caller then writes
    /// the response through Kestrel as usual.
    /// </summary>
    public static bool TryDetach(HttpContext context, IDetachedStream stream)
    {
        if (context.Features.Get<IStreamDetachFeature>() is not { } detach)
        {
            return false;
        }

        if (!detach.CanDetach
            || !CanDetach(context)
            || !context.Response.HasStarted
            || !string.Equals(context.Response.Headers.TransferEncoding, "chunked", StringComparison.OrdinalIgnoreCase))
        {
            detach.ReleaseResponseHead();
            return false;
        }

        detach.Detach(stream);
        return true;
    }

    private static bool CanDetach(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol)
        && !context.Request.IsHttps
        && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
}
