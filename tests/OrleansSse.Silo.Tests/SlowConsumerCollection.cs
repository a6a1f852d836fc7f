namespace OrleansSse.Silo.Tests;

/// <summary>Process-wide memory is measured in <see cref="SlowConsumerTests"/>, so nothing else runs alongside.</summary>
[CollectionDefinition(nameof(SlowConsumerTests), DisableParallelization = true)]
public sealed class SlowConsumerCollection;
