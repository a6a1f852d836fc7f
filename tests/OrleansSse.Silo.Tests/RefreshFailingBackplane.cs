using OrleansSse.Backplane;
using OrleansSse.Tests.Backplane;

namespace OrleansSse.Silo.Tests;

/// <summary>An in-memory backplane whose membership refresh fails (as with Redis down) while <see cref="Failing"/> is set.</summary>
internal sealed class RefreshFailingBackplane(InMemoryBackplane inner) : DelegatingBackplane(inner)
{
    private int _failures;

    public volatile bool Failing = true;

    /// <summary>Refreshes refused so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public override Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        if (Failing)
        {
            Interlocked.Increment(ref _failures);
            throw new BackplaneUnavailableException("The backplane is down (test).");
        }

        return base.RefreshMembershipsAsync(clientIds, cancellationToken);
    }
}
