namespace OrleansSse.Backplane;

/// <summary>What the backplane holds, for tests and diagnostics.</summary>
public sealed partial class InMemoryBackplane
{
    /// <summary>What the retained history takes, as <see cref="RetentionOptions.MaxRetainedBytes"/> counts it (for tests and diagnostics).</summary>
    internal long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _streams.Bytes;
            }
        }
    }

    /// <summary>Streams and trimmed-through markers held (for tests and diagnostics).</summary>
    internal (int Streams, int Markers) Retained
    {
        get
        {
            lock (_gate)
            {
                return (_streams.Count, _streams.MarkerCount);
            }
        }
    }

    /// <summary>Memberships, groups with members and clients with memberships held (for tests and diagnostics).</summary>
    internal (int Memberships, int Groups, int Clients) MembershipsHeld
    {
        get
        {
            lock (_gate)
            {
                return (_memberships.Count, _memberships.GroupCount, _memberships.ClientCount);
            }
        }
    }

    /// <summary>Entries in the membership lapse queue (for tests and diagnostics).</summary>
    internal int MembershipsQueued
    {
        get
        {
            lock (_gate)
            {
                return _memberships.QueuedCount;
            }
        }
    }
}
