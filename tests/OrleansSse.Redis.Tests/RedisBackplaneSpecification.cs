using OrleansSse.Backplane;
using OrleansSse.Tests.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// The backplane specification against <see cref="RedisBackplane"/>: each "silo" is its own
/// backplane (its own connections) on one real <c>redis-server</c>, sharing a key prefix unique
/// to the test.
/// </summary>
public sealed class RedisBackplaneSpecification(RedisServerFixture redis) : BackplaneSpecification, IClassFixture<RedisServerFixture>
{
    private readonly List<RedisBackplane> _backplanes = [];

    /// <inheritdoc />
    protected override async Task<ISseBackplane[]> CreateBackplanesAsync(int silos, RetentionOptions retention)
    {
        var backplanes = await redis.CreateBackplanesAsync(silos, retention);
        _backplanes.AddRange(backplanes);
        return [.. backplanes];
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var backplane in _backplanes)
        {
            await backplane.DisposeAsync();
        }
    }
}
