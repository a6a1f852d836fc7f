using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSse.Configuration;

namespace OrleansSse.Silo.Security;

/// <summary>Registers and applies the silo's security: keys, tokens, quotas, rate limits, CORS.</summary>
internal static class SecurityServices
{
    /// <summary>The CORS policy built from <see cref="CorsOptions"/>.</summary>
    public const string CorsPolicy = "OrleansSse";

    public static IServiceCollection AddSiloSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindChecked(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddOptions<CorsOptions>().BindChecked(configuration.GetSection(CorsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<CorsOptions>, CorsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PublisherKeyRing>();
        services.TryAddSingleton<PublishRateLimiter>();
        services.TryAddSingleton<PublisherKeyGuard>();
        services.TryAddSingleton<SubscriberTokenValidator>();
        services.TryAddSingleton<CookieTokenOrigin>();
        services.TryAddSingleton<GroupQuota>();
        services.TryAddSingleton<SubscriberGate>();
        services.AddHostedService<SecurityStartupLog>();

        var cors = CheckedBinding.GetLeniently<CorsOptions>(configuration.GetSection(CorsOptions.Section));
        if (cors.Enabled)
        {
            services.AddCors(o => o.AddPolicy(CorsPolicy, policy => Build(policy, cors)));
        }

        return services;
    }

    /// <summary>
    /// Adds the CORS middleware when origins are configured (otherwise no CORS headers at all), with
    /// <c>Vary: Origin</c> on every response (<see cref="VaryByOriginMiddleware"/>).
    /// </summary>
    public static WebApplication UseSiloSecurity(this WebApplication app)
    {
        if (CheckedBinding.GetLeniently<CorsOptions>(app.Configuration.GetSection(CorsOptions.Section)) is { Enabled: true })
        {
            app.UseMiddleware<VaryByOriginMiddleware>();
            app.UseCors(CorsPolicy);
        }

        return app;
    }

    private static void Build(CorsPolicyBuilder policy, CorsOptions cors)
    {
        policy.WithMethods("GET", "POST", "PUT", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Last-Event-ID")
            .WithExposedHeaders("Retry-After", "WWW-Authenticate")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        if (cors.AllowsAnyOrigin)
        {
            // Never with credentials: CorsOptionsValidator refuses that combination at start.
            policy.AllowAnyOrigin();
            return;
        }

        policy.WithOrigins([.. cors.AllowedOrigins.Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0)]);
        if (cors.AllowCredentials)
        {
            policy.AllowCredentials();
        }
    }
}
