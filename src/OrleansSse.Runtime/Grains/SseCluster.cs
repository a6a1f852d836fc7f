using OrleansSse.Backplane;

namespace OrleansSse.Grains;

/// <summary>
/// <see cref="ISseCluster"/> over a backplane. Grains are stateless facades addressed by key: all
/// state (history, membership, presence) lives in the backplane, so any process that reaches the
/// backplane (a silo, or a service joining the cluster as a client) can activate any grain.
/// Publishing checks names as the silo's HTTP API does: an invalid or reserved event name
/// (<see cref="SseNames.ReservedEvents"/>: <c>connected</c>, <c>ai_response</c>, <c>open</c>,
/// <c>error</c>) or an invalid coalesce key throws <see cref="ArgumentException"/> and publishes nothing.
/// </summary>
public sealed class SseCluster : ISseCluster
{
    private readonly string? _ownEvent;
    private readonly BroadcastGrain _broadcast;

    /// <summary>Grains over <paramref name="backplane"/>.</summary>
    public SseCluster(ISseBackplane backplane)
        : this(backplane, published: null)
    {
    }

    /// <summary>
    /// Grains over <paramref name="backplane"/> that call <paramref name="published"/> once per event
    /// they published (a silo's metrics) and, when <paramref name="ownEvent"/> is given, may publish
    /// that one reserved event name, which the process emits itself (the silo's AI answers,
    /// <c>ai_response</c>); every other reserved name is refused as by the public constructor.
    /// </summary>
    internal SseCluster(ISseBackplane backplane, Action? published, string? ownEvent = null)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        if (ownEvent is not null && !SseNames.ReservedEvents.Contains(ownEvent))
        {
            throw new ArgumentException($"'{ownEvent}' is not a reserved event name; any cluster may publish it.", nameof(ownEvent));
        }

        Backplane = backplane;
        Published = published;
        _ownEvent = ownEvent;
        _broadcast = new BroadcastGrain(this);
    }

    internal ISseBackplane Backplane { get; }

    internal Action? Published { get; }

    /// <inheritdoc />
    public IClientGrain GetClient(string clientId) =>
        new ClientGrain(SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), this);

    /// <inheritdoc />
    public IGroupGrain GetGroup(string name) =>
        new GroupGrain(SseNames.ThrowIfInvalidKey(name, nameof(name)), this);

    /// <inheritdoc />
    public IBroadcastGrain GetBroadcast() => _broadcast;

    internal async Task<PublishResult> PublishAsync(SseTarget target, SseEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!SseNames.IsValidEventName(evt.Event))
        {
            throw new ArgumentException($"Event name must be 1-{SseNames.MaxEventLength} printable ASCII characters without spaces.", nameof(evt));
        }

        if (SseNames.ReservedEvents.Contains(evt.Event) && !string.Equals(evt.Event, _ownEvent, StringComparison.Ordinal))
        {
            throw new ArgumentException(evt.Event is "open" or "error"
                ? $"Event name must not be '{evt.Event}': a browser's EventSource would take it for its own connection event."
                : $"Event name must not be '{evt.Event}': the broker emits it itself.", nameof(evt));
        }

        ArgumentNullException.ThrowIfNull(evt.Data, nameof(evt.Data));
        if (evt.CoalesceKey is not null && !SseNames.IsValidKey(evt.CoalesceKey))
        {
            throw new ArgumentException($"Coalesce key must be {SseNames.KeyRule}.", nameof(evt));
        }

        var receipt = await Backplane.PublishAsync(target, evt.Event, evt.Data, evt.CoalesceKey, cancellationToken).ConfigureAwait(false);
        Published?.Invoke();
        return new PublishResult(receipt.Cursor.ToString(), receipt.Subscribers > 0);
    }
}
