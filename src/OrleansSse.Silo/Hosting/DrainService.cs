using OrleansSse.Connections;

namespace OrleansSse.Silo.Hosting;

/// <summary>
/// On shutdown (SIGTERM), before the server stops: refuse new streams and end open ones with a
/// short <c>retry:</c> hint, so browsers resume on another silo. The server then waits for the
/// ended requests within the host's shutdown timeout.
/// </summary>
internal sealed class DrainService(ConnectionRegistry registry, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(registry.Drain);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }
}
