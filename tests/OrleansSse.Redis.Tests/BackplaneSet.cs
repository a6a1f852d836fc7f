namespace OrleansSse.Redis.Tests;

/// <summary>Backplanes ("silos") on one Redis that a test disposes together.</summary>
public sealed class BackplaneSet(RedisBackplane[] backplanes) : IAsyncDisposable
{
    public RedisBackplane this[int index] => backplanes[index];

    public static async Task<BackplaneSet> CreateAsync(
        RedisServerFixture redis, int silos, OrleansSse.Backplane.RetentionOptions? retention = null, TimeProvider? time = null, TimeSpan? operationTimeout = null) =>
        new(await redis.CreateBackplanesAsync(silos, retention, time, operationTimeout: operationTimeout));

    public async ValueTask DisposeAsync()
    {
        foreach (var backplane in backplanes)
        {
            await backplane.DisposeAsync();
        }
    }
}
