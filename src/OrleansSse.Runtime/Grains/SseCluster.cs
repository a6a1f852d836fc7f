using OrleansSse.Backplane;

namespace OrleansSse.Grains;

/// <summary>
/// <see cref="ISseCluster"/> over a backplane. Grains are stateless facades addressed by key: all
/// state (history, membership, presence) lives in the backplane, so any process that reaches the
/// backplane (a silo, or a service joining the cluster as a client) can activate any grain.
/// </summary>
public sealed class SseCluster : ISseCluster
{
    private readonly ISseBackplane _backplane;
    private readonly Action? _published;
    private readonly BroadcastGrain _broadcast;

    /// <summary>Grains over <paramref name="backplane"/>.</summary>
    public SseCluster(ISseBackplane backplane)
        : this(backplane, published: null)
    {
    }

    /// <summary>Grains over <paramref name="backplane"/> that call <paramref name="published"/> once per event they published (a silo's metrics).</summary>
    internal SseCluster(ISseBackplane backplane, Action? published)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        _backplane = backplane;
        _published = published;
        _broadcast = new BroadcastGrain(backplane, published);
    }

    /// <inheritdoc />
    public IClientGrain GetClient(string clientId) =>
        new ClientGrain(SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), _backplane, _published);

    /// <inheritdoc />
    public IGroupGrain GetGroup(string name) =>
        new GroupGrain(SseNames.ThrowIfInvalidKey(name, nameof(name)), _backplane, _published);

    /// <inheritdoc />
    public IBroadcastGrain GetBroadcast() => _broadcast;

    internal static async Task<PublishResult> PublishAsync(ISseBackplane backplane, SseTarget target, SseEvent evt, Action? published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!SseNames.IsValidEventName(evt.Event))
        {
            throw new ArgumentException($"Event name must be 1-{SseNames.MaxEventLength} printable ASCII characters without spaces.", nameof(evt));
        }

        ArgumentNullException.ThrowIfNull(evt.Data, nameof(evt.Data));
        if (evt.CoalesceKey is not null && !SseNames.IsValidKey(evt.CoalesceKey))
        {
            throw new ArgumentException($"Coalesce key must be 1-{SseNames.MaxKeyLength} characters of letters, digits and -_.:@", nameof(evt));
        }

        var receipt = await backplane.PublishAsync(target, evt.Event, evt.Data, evt.CoalesceKey, cancellationToken).ConfigureAwait(false);
        published?.Invoke();
        return new PublishResult(receipt.Cursor.ToString(), receipt.Subscribers > 0);
    }
}
