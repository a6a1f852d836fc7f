using Microsoft.Extensions.Options;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>Says at start how the silo is protected, with one warning per missing piece (open mode).</summary>
internal sealed class SecurityStartupLog(
    IOptions<AuthOptions> auth,
    IOptions<CorsOptions> cors,
    IOptions<LimitOptions> limits,
    ILogger<SecurityStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var a = auth.Value;
        SecurityLog.Configured(
            logger,
            a.PublisherKeys.Count(k => !string.IsNullOrEmpty(k)),
            a.SubscriberSigningKeys.Count(k => !string.IsNullOrEmpty(k)),
            cors.Value.Enabled ? string.Join(", ", cors.Value.AllowedOrigins) : "none (same-origin only)");
        if (!a.PublishersRequireKey)
        {
            SecurityLog.PublishingOpen(logger);
        }

        if (!a.SubscribersRequireToken)
        {
            SecurityLog.SubscribingOpen(logger);
            if (a.PublishersRequireKey && limits.Value.MaxGroupsPerConnect > 0)
            {
                SecurityLog.GroupsOpenToSubscribers(logger);
            }
        }
        else if (a.AllowTokenInQuery)
        {
            SecurityLog.TokenInQuery(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
