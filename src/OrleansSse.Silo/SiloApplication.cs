using OrleansSse.Ai;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Configuration;
using OrleansSse.Connections;
using OrleansSse.Grains;
using OrleansSse.Metrics;
using OrleansSse.Silo.Detach;
using OrleansSse.Silo.Endpoints;
using OrleansSse.Silo.Hosting;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Options;
using OrleansSse.Silo.Security;

namespace OrleansSse.Silo;

/// <summary>Builds a silo: the ASP.NET Core host with the broker's HTTP API and demo page.</summary>
public static class SiloApplication
{
    /// <summary>
    /// Builds the silo. Configuration, lowest priority first: <c>silo.json</c> (from the current
    /// directory, or the file named by <c>--config</c> / <c>ORLEANSSSE_CONFIG</c>), environment
    /// variables (<c>OrleansSse__Backplane__Redis=…</c>), command-line arguments.
    /// <paramref name="configure"/> runs last, before <c>Build()</c>: add configuration or replace
    /// services there (a registered <see cref="ISseBackplane"/> is used as is).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddSiloJson(builder);
        AddDefaults(builder);

        // Before the caller's configuration, so that endpoints it adds with Listen() get it too.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            if (CheckedBinding.ValueOrDefault(context.Configuration, $"{SiloOptions.Section}:Stream:{nameof(StreamOptions.DetachFromKestrel)}", true))
            {
                kestrel.UseStreamDetach();
            }
        });
        configure?.Invoke(builder);
        if (CheckedBinding.ValueOrDefault(builder.Configuration, $"{SiloOptions.Section}:{nameof(SiloOptions.InlineSocketScheduling)}", true))
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }
        AddServices(builder);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseStatusCodePages(); // unknown paths and methods: a problem body too
        app.UseMiddleware<BackplaneUnavailableMiddleware>();
        app.UseSiloSecurity();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapStreamEndpoint();
        app.MapPublishEndpoints().RequirePublisherKey().LimitPublishRate();
        app.MapGroupEndpoints().RequirePublisherKey().LimitPublishRate();
        app.MapClientEndpoints().RequirePublisherKey().LimitPublishRate();
        app.MapOrleansSseAi().RequirePublisherKey().LimitPublishRate();
        app.MapOperationsEndpoints();
        return app;
    }

    // Defaults below every other source, even silo.json (whose "Logging" section overrides them): one log
    // line per request at Information would drown the broker's own logs.
    private static void AddDefaults(WebApplicationBuilder builder) =>
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });

    private static void AddSiloJson(WebApplicationBuilder builder)
    {
        var path = builder.Configuration["config"] ?? Environment.GetEnvironmentVariable("ORLEANSSSE_CONFIG");
        var required = path is not null;
        path ??= Path.Combine(Directory.GetCurrentDirectory(), "silo.json");
        var sources = builder.Configuration.Sources;

        // Lowest priority: environment variables and the command line override silo.json.
        var json = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = Path.GetFullPath(path),
            Optional = !required,
            ReloadOnChange = false,
        };
        json.ResolveFileProvider();
        sources.Insert(0, json);
    }

    private static void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration.GetSection(SiloOptions.Section);
        services.AddCheckedOptions(config);

        // Read here to choose services; a value that cannot work fails the options checks at start,
        // together with every other (nothing here throws, so that no mistake hides the others).
        var silo = CheckedBinding.GetLeniently<SiloOptions>(config);
        services.AddTrustedProxies(silo);
        if (silo.Backplane.UseRedis && !services.Any(s => s.ServiceType == typeof(ISseBackplane)))
        {
            if (string.IsNullOrWhiteSpace(silo.Backplane.Redis))
            {
                services.AddOptions<SiloOptions>().Validate(
                    o => !string.IsNullOrWhiteSpace(o.Backplane.Redis),
                    "OrleansSse:Backplane:Kind is Redis but OrleansSse:Backplane:Redis (the connection string) is empty.");
            }
            else
            {
                var retention = CheckedBinding.GetLeniently<RetentionOptions>(config.GetSection("Retention"));
                services.AddRedisBackplane(silo.Backplane.Redis, redis =>
                {
                    redis.KeyPrefix = silo.Backplane.KeyPrefix;
                    redis.Retention = retention;
                });
            }
        }

        services.TryAddSingleton<ISseBackplane>(sp => new InMemoryBackplane(sp.GetRequiredService<IOptions<RetentionOptions>>().Value, sp.GetService<TimeProvider>()));
        // Every publish through the grains in this process is counted once (HTTP API, embedded callers;
        // AI streaming has grains of its own, below).
        services.TryAddSingleton<ISseCluster>(sp => new SseCluster(sp.GetRequiredService<ISseBackplane>(), sp.GetRequiredService<SseMetrics>().EventPublished));
        services.TryAddSingleton<SseMetrics>();
        services.TryAddSingleton<ConnectionRegistry>();
        services.TryAddSingleton<ConnectionLimiter>();
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<ExpiryService>();
        services.TryAddSingleton<MembershipRefresher>();
        services.AddHostedService<MembershipRefreshService>();
        services.AddHostedService<WatermarkService>();
        services.AddHostedService<DrainService>();
        services.AddSingleton<StreamDetachState>();
        services.AddHostedService<StreamDetachCheck>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.AddMissingDetail);
        services.AddSiloSecurity(builder.Configuration);
        // AI answers go out as ai_response, a name the public grains refuse (nobody may forge it): the
        // streaming service alone gets grains that may publish it (counted like every other publish).
        services.TryAddSingleton(sp => new AiStreamingService(
            new SseCluster(sp.GetRequiredService<ISseBackplane>(), sp.GetRequiredService<SseMetrics>().EventPublished, AiStreamingService.EventName),
            sp.GetRequiredKeyedService<IChatClient>(AiServiceCollectionExtensions.ChatClientKey),
            sp.GetRequiredService<IOptions<AiOptions>>(),
            sp.GetRequiredService<ILogger<AiStreamingService>>()));
        services.AddOrleansSseAi(builder.Configuration);
    }
}
