using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// Once the silo has started, warns when <c>OrleansSse:Stream:DetachFromKestrel</c> is on but no
/// Kestrel endpoint runs the detach middleware: Kestrel keeps one endpoint-defaults callback, so a
/// host's own later <c>ConfigureEndpointDefaults</c> replaces the silo's, and every stream then
/// stays in Kestrel (working, with about twice the memory per idle stream).
/// </summary>
internal sealed class StreamDetachCheck(
    IServer server,
    StreamDetachState state,
    IOptions<StreamOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<StreamDetachCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Check()
    {
        // Kestrel's server (the registered implementation is internal to its assembly), not a test or custom one.
        if (options.Value.DetachFromKestrel && server.GetType().Assembly == typeof(KestrelServer).Assembly && !state.Installed)
        {
            DetachLog.NotInstalled(logger);
        }
    }
}
