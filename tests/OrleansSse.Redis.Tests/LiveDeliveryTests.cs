using System.Collections.Concurrent;
using System.Threading.Channels;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// Parking live messages across a subscription outage, with probes the test completes by hand so
/// that failures and restores can land while a probe runs.
/// </summary>
public sealed class LiveDeliveryTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly Channel<TaskCompletionSource> _probes = Channel.CreateUnbounded<TaskCompletionSource>();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly LiveDelivery _live;
    private readonly TaskCompletionSource _wentLive = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveDeliveryTests()
    {
        _live = new LiveDelivery(
            _ =>
            {
                var probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _probes.Writer.TryWrite(probe);
                return probe.Task;
            },
            () =>
            {
                _log.Enqueue("live");
                _wentLive.TrySetResult();
            },
            ex => _log.Enqueue("probe failed: " + ex.Message),
            TimeSpan.FromMilliseconds(10),
            _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [Fact]
    public void DeliversAtOnceWhileLive()
    {
        _live.Deliver(() => _log.Enqueue("m1"));

        Assert.Equal(["m1"], _log);
        Assert.False(_live.Parking);
    }

    [Fact]
    public async Task ParksFromAFailureUntilAProbeConfirmsThenRunsTheLiveHandlerFirst()
    {
        _live.OnFailed();
        _live.Deliver(() => _log.Enqueue("m1"));
        _live.OnRestored();
        _live.Deliver(() => _log.Enqueue("m2"));
        var probe = await NextProbeAsync();
        Assert.Empty(_log);

        probe.SetResult();
        await _wentLive.Task.WaitAsync(Wait);
        _live.Deliver(() => _log.Enqueue("m3"));

        Assert.Equal(["live", "m1", "m2", "m3"], _log);
        Assert.False(_live.Parking);
    }

    [Fact]
    public async Task FailedProbeIsRetried()
    {
        _live.OnFailed();
        _live.OnRestored();
        (await NextProbeAsync()).SetException(new TimeoutException("no echo"));
        var second = await NextProbeAsync();
        Assert.True(_live.Parking);

        second.SetResult();
        await _wentLive.Task.WaitAsync(Wait);

        Assert.Equal(["probe failed: no echo", "live"], _log);
    }

    [Fact]
    public async Task ProbeThatSpannedAnotherOutageDoesNotCountAndTheConnectionIsProbedAgain()
    {
        _live.OnFailed();
        _live.OnRestored();
        var first = await NextProbeAsync();

        // The connection fails and comes back while the first probe is still out.
        _live.OnFailed();
        _live.Deliver(() => _log.Enqueue("during the second outage"));
        _live.OnRestored();
        first.SetResult();

        var second = await NextProbeAsync();
        Assert.True(_live.Parking);
        Assert.Empty(_log);

        second.SetResult();
        await _wentLive.Task.WaitAsync(Wait);
        Assert.Equal(["live", "during the second outage"], _log);
    }

    [Fact]
    public async Task ProbeOfAConnectionThatIsDownAgainWaitsForTheNextRestore()
    {
        _live.OnFailed();
        _live.OnRestored();
        var first = await NextProbeAsync();
        _live.OnFailed();
        first.SetResult();

        // Down: nothing confirms it, and no probe runs until it is back.
        Assert.True(_live.Parking);
        _live.OnRestored();
        var second = await NextProbeAsync();
        second.SetResult();
        await _wentLive.Task.WaitAsync(Wait);

        Assert.False(_live.Parking);
        Assert.Equal(["live"], _log);
    }

    private async Task<TaskCompletionSource> NextProbeAsync() => await _probes.Reader.ReadAsync().AsTask().WaitAsync(Wait);
}
