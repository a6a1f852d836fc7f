using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis backplane.</summary>
public static class RedisBackplaneServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="RedisBackplane"/> the singleton <see cref="ISseBackplane"/>, replacing any
    /// backplane registered before. <paramref name="configuration"/> is a StackExchange.Redis
    /// configuration string; <paramref name="configure"/> sets the rest of <see cref="RedisBackplaneOptions"/>.
    /// </summary>
    public static IServiceCollection AddRedisBackplane(this IServiceCollection services, string configuration, Action<RedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        services.AddOptions<RedisBackplaneOptions>().Configure(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
        services.RemoveAll<RedisBackplane>();
        services.RemoveAll<ISseBackplane>();
        services.AddSingleton(static provider => new RedisBackplane(
            provider.GetRequiredService<IOptions<RedisBackplaneOptions>>().Value,
            provider.GetService<ILoggerFactory>()?.CreateLogger<RedisBackplane>(),
            provider.GetService<TimeProvider>()));
        services.AddSingleton<ISseBackplane>(static provider => provider.GetRequiredService<RedisBackplane>());
        return services;
    }
}
