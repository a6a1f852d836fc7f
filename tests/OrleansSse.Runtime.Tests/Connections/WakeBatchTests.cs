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

        WakeAnotherSignalOutsideTheBatch();
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
        WakeAnotherSignalOutsideTheBatch();
        Assert.False(wait.IsCompleted);
        outer.Run();

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Sets a control signal from another thread (no batch open there: one thread-pool work item,
    // queued after anything the batched Sets might have queued) and blocks this thread, whose
    // batch is still open, until its waiter ran. A Set that escaped the batch has run by then.
    private static void WakeAnotherSignalOutsideTheBatch()
    {
        var control = new WakeSignal();
        using var woken = new ManualResetEventSlim();
        control.Reset().GetAwaiter().UnsafeOnCompleted(woken.Set);
        var setter = new Thread(control.Set);
        setter.Start();
        setter.Join();
        Assert.True(woken.Wait(TimeSpan.FromSeconds(10)), "the control signal was not woken");
    }
}
