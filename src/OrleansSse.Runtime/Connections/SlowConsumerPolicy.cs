namespace OrleansSse.Connections;

/// <summary>What happens when a connection's queue bound is hit.</summary>
public enum SlowConsumerPolicy
{
    /// <summary>
    /// End the connection (default). The browser reconnects and resumes from history, so nothing is
    /// lost within retention.
    /// </summary>
    Disconnect = 0,

    /// <summary>Drop the new event and keep the connection. The client silently misses it; counted in metrics.</summary>
    DropNewest = 1,
}
