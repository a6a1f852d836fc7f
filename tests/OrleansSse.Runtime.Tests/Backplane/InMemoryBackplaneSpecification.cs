using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>The backplane specification against <see cref="InMemoryBackplane"/>: silos share one instance.</summary>
public sealed class InMemoryBackplaneSpecification : BackplaneSpecification
{
    private InMemoryBackplane? _last;

    /// <inheritdoc />
    protected override Task<ISseBackplane[]> CreateBackplanesAsync(int silos, RetentionOptions retention, TimeProvider? time = null)
    {
        var shared = new InMemoryBackplane(retention, time);
        _last = shared;
        return Task.FromResult(Enumerable.Repeat<ISseBackplane>(shared, silos).ToArray());
    }

    /// <inheritdoc />
    /// <remarks>Nothing to do: the in-memory backplane expires what it holds by its own clock.</remarks>
    protected override Task ElapseStorageTimeAsync(TimeSpan elapsed) => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>Every membership entry the instance holds (each test makes its own instance).</remarks>
    protected override Task<int> MembershipStorageAsync(string group, string clientId)
    {
        var (memberships, groups, clients) = _last!.MembershipsHeld;
        return Task.FromResult(memberships + groups + clients);
    }
}
