using System.Globalization;
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
    private string? _prefix;

    /// <inheritdoc />
    protected override async Task<ISseBackplane[]> CreateBackplanesAsync(int silos, RetentionOptions retention, TimeProvider? time = null)
    {
        _prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
        var backplanes = await redis.CreateBackplanesAsync(silos, retention, time, _prefix);
        _backplanes.AddRange(backplanes);
        return [.. backplanes];
    }

    /// <inheritdoc />
    /// <remarks>The keys that exist of the group's members, the client's groups and its join positions.</remarks>
    protected override Task<int> MembershipStorageAsync(string group, string clientId)
    {
        var reply = redis.Send($"EXISTS {{{_prefix}}}:members:{group} {{{_prefix}}}:groups:{clientId} {{{_prefix}}}:joined:{clientId}");
        return Task.FromResult(int.Parse(reply.TrimStart(':'), CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    /// <remarks>Brings the expiry (<c>PEXPIRE</c>, real time) of the test's keys that much closer.</remarks>
    protected override Task ElapseStorageTimeAsync(TimeSpan elapsed) => redis.ElapseExpiryAsync(_prefix!, elapsed);

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
