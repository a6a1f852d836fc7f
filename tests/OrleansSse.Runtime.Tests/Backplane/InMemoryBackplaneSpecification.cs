using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>The backplane specification against <see cref="InMemoryBackplane"/>: silos share one instance.</summary>
public sealed class InMemoryBackplaneSpecification : BackplaneSpecification
{
    /// <inheritdoc />
    protected override Task<ISseBackplane[]> CreateBackplanesAsync(int silos, RetentionOptions retention)
    {
        var shared = new InMemoryBackplane(retention);
        return Task.FromResult(Enumerable.Repeat<ISseBackplane>(shared, silos).ToArray());
    }
}
