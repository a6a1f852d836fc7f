using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>Starts an <see cref="SseTestCluster"/> of real silos on a real redis-server, under a key prefix of its own.</summary>
internal static class RedisCluster
{
    public static Task<SseTestCluster> StartAsync(RedisServerFixture redis, int silos = 3, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var options = new SseTestClusterOptions
        {
            Silos = silos,
            Backplane = SseTestBackplane.Redis(redis.Configuration),
            Settings =
            {
                ["OrleansSse:Backplane:KeyPrefix"] = Wait.Unique("cluster"),
                // Outages are provoked on purpose; their warnings would bury real errors.
                ["Logging:LogLevel:Default"] = "Error",
            },
            Timeout = Wait.Timeout,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            options.Settings[key] = value;
        }

        return SseTestCluster.StartAsync(options);
    }
}
