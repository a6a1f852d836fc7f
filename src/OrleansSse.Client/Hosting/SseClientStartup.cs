using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OrleansSse.Client.Hosting;

/// <summary>
/// Connects the client when the host starts, so the first publish does not pay for it. In Redis
/// mode it waits for one round trip; an unreachable Redis is logged, not fatal (the connection
/// keeps retrying, like a silo's).
/// </summary>
internal sealed class SseClientStartup(IServiceProvider services, IOptions<SseClientOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("OrleansSse.Client") ?? NullLogger.Instance;
        var value = options.Value;
        if (value.ResolveMode() == SseClientMode.Http)
        {
            SseClientLog.HttpMode(logger, value.BaseAddress!);
            return;
        }

        var cluster = services.GetRequiredService<RedisSseCluster>();
        try
        {
            var position = await cluster.PingAsync(cancellationToken).ConfigureAwait(false);
            SseClientLog.RedisConnected(logger, position.ToString());
        }
        catch (BackplaneUnavailableException ex)
        {
            SseClientLog.RedisUnavailableAtStart(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
