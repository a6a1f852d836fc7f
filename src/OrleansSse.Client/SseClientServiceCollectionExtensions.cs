using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSse;
using OrleansSse.Client;
using OrleansSse.Client.Hosting;
using OrleansSse.Configuration;
using OrleansSse.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OrleansSse client: <see cref="ISseCluster"/> over Redis or HTTP.</summary>
public static class SseClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the HTTP mode uses (configure it with <c>AddHttpClient(name)</c>).</summary>
    public const string HttpClientName = "OrleansSse.Client";

    /// <summary>
    /// Registers a singleton <see cref="ISseCluster"/> (replacing any registered before) configured by
    /// <paramref name="configure"/>: <c>options.UseRedis("127.0.0.1:6379")</c> joins the cluster
    /// through its Redis (<see cref="RedisSseCluster"/>); <c>options.UseHttp(new Uri("http://silo"), publisherKey)</c>
    /// goes through a silo's API (<see cref="HttpSseCluster"/>, with an <see cref="IHttpClientFactory"/> client).
    /// A hosted service connects at start when the app runs in a host. Options that cannot work stop
    /// the host at start (or fail the first resolution of <see cref="ISseCluster"/> without a host)
    /// with an <see cref="OptionsValidationException"/> naming every such key.
    /// </summary>
    public static SseClientBuilder AddOrleansSseClient(this IServiceCollection services, Action<SseClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers the client with options bound from <paramref name="section"/> (usually
    /// <c>configuration.GetSection(SseClientOptions.SectionName)</c>), then <paramref name="configure"/>.
    /// A key in the section that no option reads (a misspelt <c>PublisherKey</c>, say) or a value
    /// that does not convert is refused at start, like every other value that cannot work.
    /// </summary>
    public static SseClientBuilder AddOrleansSseClient(this IServiceCollection services, IConfiguration section, Action<SseClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = AddCore(services);
        if (section is IConfigurationSection checkedSection)
        {
            services.AddOptions<SseClientOptions>().BindChecked(checkedSection);
        }
        else
        {
            services.Configure<SseClientOptions>(section); // a configuration root holds other keys too
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    private static SseClientBuilder AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SseClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseClientOptions>, SseClientOptionsValidator>());
        services.AddHttpClient(HttpClientName).ConfigureHttpClient((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<SseClientOptions>>().Value;
            http.Timeout = options.EffectiveOperationTimeout(SseClientMode.Http);
        });
        services.TryAddSingleton(static provider => new RedisSseCluster(RedisOptions(provider), provider.GetService<ILoggerFactory>()?.CreateLogger<RedisSseCluster>()));
        services.RemoveAll<ISseCluster>();
        services.AddSingleton(static provider => CreateCluster(provider));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SseClientStartup>());
        return new SseClientBuilder(services);
    }

    private static ISseCluster CreateCluster(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<SseClientOptions>>().Value;
        if (options.ResolveMode() == SseClientMode.Redis)
        {
            return provider.GetRequiredService<RedisSseCluster>();
        }

        var factory = provider.GetRequiredService<IHttpClientFactory>();
        return new HttpSseCluster(() => factory.CreateClient(HttpClientName), options.BaseAddress!, options.PublisherKey);
    }

    private static RedisBackplaneOptions RedisOptions(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<SseClientOptions>>().Value;
        if (options.ResolveMode() != SseClientMode.Redis)
        {
            throw new InvalidOperationException("The OrleansSse client is not in Redis mode.");
        }

        return new RedisBackplaneOptions
        {
            Configuration = options.Redis!,
            KeyPrefix = options.KeyPrefix,
            Retention = options.Retention,
            OperationTimeout = options.EffectiveOperationTimeout(SseClientMode.Redis),
        };
    }
}
