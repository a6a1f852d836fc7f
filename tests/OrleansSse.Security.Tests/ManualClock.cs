namespace OrleansSse.Security.Tests;

/// <summary>
/// A clock the test moves by hand: the wall clock (<see cref="GetUtcNow"/>) and the timestamps
/// that rate limits refill by both stand still until <see cref="Advance"/>. Timers
/// (<see cref="TimeProvider.CreateTimer"/>) still run in real time, so the silo's once-a-second
/// sweeps keep running and see this clock's time.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    /// <summary>Starts at the current second (whole, so token <c>exp</c> values fall on it exactly).</summary>
    public ManualClock()
    {
        _ticks = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).UtcTicks;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
