namespace OrleansSse.Silo.Detach;

/// <summary>
/// Kestrel's per-connection timeout callback, registered with the server's heartbeat through this
/// relay: the server keeps its heartbeat registrations for the connection's whole life, so after
/// <see cref="Release"/> it holds only this small object instead of Kestrel's connection state.
/// </summary>
internal sealed class HeartbeatRelay(Action<object> action, object state)
{
    private Registration? _registration = new(action, state);

    /// <summary>What the server's heartbeat calls.</summary>
    public static void Tick(object relay)
    {
        if (Volatile.Read(ref ((HeartbeatRelay)relay)._registration) is { } registration)
        {
            registration.Action(registration.State);
        }
    }

    /// <summary>Stops relaying and lets go of the callback and its state.</summary>
    public void Release() => Volatile.Write(ref _registration, null);

    private sealed record Registration(Action<object> Action, object State);
}
