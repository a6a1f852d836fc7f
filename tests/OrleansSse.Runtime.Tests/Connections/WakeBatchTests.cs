using OrleansSse.Connections;

namespace OrleansSse.Tests.Connections;

public sealed class WakeBatchTests
{
    [Fact]
    public async Task Set_InsideABatch_WakesNobodyUntilTheBatchRuns()
    {
        var signals = Enumerable.Range(0, 50).Select(_ => new WakeSignal()).ToArray();
        var waits = signals.Select(s => s.Reset().AsTask()).ToArray();

        var batch = WakeBatch.Begin();
        foreach (var signal in signals)
        {
            signal.Set();
        }

        Assert.All(waits, w => Assert.False(w.IsCompleted));
        batch.Run();

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Set_OutsideABatch_WakesTheWaiterOffTheCallersStack()
    {
        var signal = new WakeSignal();
        var insideSet = false;
        var ranInsideSet = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.Reset().GetAwaiter().UnsafeOnCompleted(() => ranInsideSet.SetResult(Volatile.Read(ref insideSet)));

        Volatile.Write(ref insideSet, true);
        signal.Set();
        Volatile.Write(ref insideSet, false);

        Assert.False(await ranInsideSet.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NestedBatches_RunTheirWakeUpsOnlyAtTheOutermostEnd()
    {
        var signal = new WakeSignal();
        var wait = signal.Reset().AsTask();

        var outer = WakeBatch.Begin();
        var inner = WakeBatch.Begin();
        signal.Set();
        inner.Run();
        Assert.False(wait.IsCompleted);
        outer.Run();

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
