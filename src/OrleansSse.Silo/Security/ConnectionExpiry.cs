using OrleansSse.Connections;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Ends a stream at its deadline (the token's <c>exp</c> or the maximum connection lifetime,
/// whichever comes first) with <see cref="SseConnection.Expire"/>: what is queued is written,
/// then a <c>retry:</c> hint, then the response ends. Deadlines past a timer's range re-arm.
/// </summary>
internal sealed class ConnectionExpiry : IDisposable
{
    private static readonly TimeSpan MaxDue = TimeSpan.FromDays(30);
    private readonly SseConnection _connection;
    private readonly DateTimeOffset _deadline;
    private readonly ReadOnlyMemory<byte> _last;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    private ConnectionExpiry(SseConnection connection, DateTimeOffset deadline, ReadOnlyMemory<byte> last, TimeProvider time)
    {
        _connection = connection;
        _deadline = deadline;
        _last = last;
        _time = time;
        _timer = time.CreateTimer(static s => ((ConnectionExpiry)s!).Fire(), this, Due(), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Schedules the end of <paramref name="connection"/>; null when there is no deadline.</summary>
    public static IDisposable? Schedule(SseConnection connection, DateTimeOffset? deadline, ReadOnlyMemory<byte> last, TimeProvider time) =>
        deadline is { } at ? new ConnectionExpiry(connection, at, last, time) : null;

    public void Dispose() => _timer.Dispose();

    private TimeSpan Due()
    {
        var due = _deadline - _time.GetUtcNow();
        return due <= TimeSpan.Zero ? TimeSpan.Zero : due > MaxDue ? MaxDue : due;
    }

    private void Fire()
    {
        if (_time.GetUtcNow() < _deadline)
        {
            _timer.Change(Due(), Timeout.InfiniteTimeSpan);
            return;
        }

        _connection.Expire(_last);
    }
}
