using OrleansSse.Backplane;
using OrleansSse.Tests.Backplane;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// The in-memory backplane with steps a test runs at chosen points of a stream's life (each once):
/// right after a read of a client's memberships, right before a history read of groups only (a
/// group join's). It can also lose its live deliveries (<see cref="Down"/>: what a dropped
/// subscription connection does) and come back (<see cref="Restore"/> raises
/// <see cref="ISseBackplane.Reconnected"/>, so the registry catches up from history).
/// </summary>
internal sealed class HookedBackplane(InMemoryBackplane inner) : DelegatingBackplane(inner), ISseBackplane
{
    private Action? _reconnected;

    event Action? ISseBackplane.Reconnected
    {
        add => _reconnected += value;
        remove => _reconnected -= value;
    }

    public Func<Task>? AfterMembershipRead { get; set; }

    public Func<Task>? BeforeGroupHistoryRead { get; set; }

    /// <summary>While true, live messages are lost (history still records every publish).</summary>
    public bool Down { get; set; }

    /// <summary>Ends the outage and raises <see cref="ISseBackplane.Reconnected"/>.</summary>
    public void Restore()
    {
        Down = false;
        _reconnected?.Invoke();
    }

    public override async Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var memberships = await base.GetClientMembershipsAsync(clientId, cancellationToken);
        if (AfterMembershipRead is { } step)
        {
            AfterMembershipRead = null;
            await step();
        }

        return memberships;
    }

    public override async Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default)
    {
        if (BeforeGroupHistoryRead is { } step && targets.All(t => t.Kind == TargetKind.Group))
        {
            BeforeGroupHistoryRead = null;
            await step();
        }

        return await base.ReadHistoryAsync(targets, after, cancellationToken);
    }

    public override Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default) =>
        base.SubscribeAsync(target, message =>
        {
            if (!Down)
            {
                onMessage(message);
            }
        }, cancellationToken);
}
