using OrleansSse.Backplane;
using OrleansSse.Tests.Connections;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// The resume race specification on <see cref="RedisBackplane"/> and a real <c>redis-server</c>:
/// live copies arrive on the subscriber connection, after the publish returns.
/// </summary>
public sealed class RedisResumeRaceTests(RedisServerFixture redis) : ResumeRaceSpecification, IClassFixture<RedisServerFixture>
{
    private readonly List<RedisBackplane> _backplanes = [];

    /// <inheritdoc />
    protected override async Task<ISseBackplane> CreateBackplaneAsync()
    {
        var backplane = (await redis.CreateBackplanesAsync(1))[0];
        _backplanes.Add(backplane);
        return backplane;
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        foreach (var backplane in _backplanes)
        {
            await backplane.DisposeAsync();
        }
    }
}
