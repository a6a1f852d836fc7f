using OrleansSse.Backplane;

namespace OrleansSse.Connections;

/// <summary>
/// The local connections following one target, and this silo's one backplane subscription for it
/// (made when the first local connection arrives, dropped when the last leaves: once made, if no
/// connection came back meanwhile).
/// Fan-out reads the connection list without a lock (see <see cref="ConnectionList"/>).
/// </summary>
internal sealed class TargetSubscription(SseTarget target, ConnectionRegistry registry)
{
    public SseTarget Target { get; } = target;

    public ConnectionList Connections { get; } = new();

    /// <summary>The backplane subscription's handler (a method of this entry: no closure per target).</summary>
    public void Deliver(BackplaneMessage message) => registry.OnMessage(this, message);

    /// <summary>While the backplane subscription is being made: completes with it. Null once it is made.</summary>
    public Task<IAsyncDisposable>? Subscribing { get; set; }

    /// <summary>The backplane subscription once made (an idle target keeps no task for it).</summary>
    public IAsyncDisposable? Handle { get; set; }

    /// <summary>
    /// Once its last connection left and its subscription is being disposed: completes when that is
    /// done. Such an entry takes no connections; a follow replaces it and subscribes after this.
    /// </summary>
    public Task? Unsubscribing { get; set; }
}
