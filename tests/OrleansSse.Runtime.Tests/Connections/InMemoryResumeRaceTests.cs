using OrleansSse.Backplane;

namespace OrleansSse.Tests.Connections;

/// <summary>The resume race specification on <see cref="InMemoryBackplane"/> (live delivery runs inside the publish).</summary>
public sealed class InMemoryResumeRaceTests : ResumeRaceSpecification
{
    /// <inheritdoc />
    protected override Task<ISseBackplane> CreateBackplaneAsync() => Task.FromResult<ISseBackplane>(new InMemoryBackplane());
}
