using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

public sealed class PositionCheckpointsTests
{
    private static readonly TimeSpan Horizon = TimeSpan.FromHours(22);
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void KeepsTheBucketsBackToTheHorizonAndTwoBeyond()
    {
        var checkpoints = new PositionCheckpoints(Horizon);
        for (var hour = 0; hour < 100; hour++)
        {
            checkpoints.Record(Start.AddHours(hour), (hour * 10) + 1);
        }

        // One-hour buckets (a sixteenth of 22 h is more than an hour): 22 within the horizon, the
        // one it falls in, and two wholly before it.
        Assert.InRange(checkpoints.Count, 23, 25);
    }

    [Fact]
    public void CursorsOlderThanTheHorizonAreForgottenOnceTheRecordReachesBack()
    {
        var checkpoints = new PositionCheckpoints(Horizon);
        checkpoints.Record(Start, 1);

        // Younger than the horizon: nothing can be older than it.
        Assert.Equal(0, checkpoints.ForgottenBefore(Start.AddHours(20)));

        checkpoints.Record(Start.AddHours(10), 50);
        checkpoints.Record(Start.AddHours(30), 90);

        // The horizon is at hour 8: the record reaches back past it; the first position after it is 50.
        Assert.Equal(50, checkpoints.ForgottenBefore(Start.AddHours(30)));

        // Nothing published since the horizon (hour 32): a cursor at the last one published missed
        // nothing (positions taken meanwhile, e.g. by joins, carry no events); older ones may have.
        Assert.Equal(90, checkpoints.ForgottenBefore(Start.AddHours(54)));
    }
}
