namespace OrleansSse.Testing;

/// <summary>Which backplane the silos of an <see cref="SseTestCluster"/> share.</summary>
public enum SseTestBackplaneKind
{
    /// <summary>One <see cref="Backplane.InMemoryBackplane"/> instance registered in every silo (one process only).</summary>
    SharedInMemory,

    /// <summary>A Redis server the caller runs; every silo connects to it.</summary>
    Redis,
}
