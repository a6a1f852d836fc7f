using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>The test cluster's own promises: failures explain themselves, killed silos are gone.</summary>
public sealed class TestClusterTests
{
    [Fact]
    public async Task NextAsyncTimeoutListsWhatDidArrive()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await using var c = await cluster.ConnectAsync(0, "c");
        var (id, _) = await new SiloApi(cluster.Silos[0].Http).SendAsync("c", "the-only-one");
        await Wait.UntilAsync(() => Task.FromResult(c.Received.Any(e => e.Id == id)), "the event to arrive");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => c.NextAsync(e => e.Data == "never", TimeSpan.FromMilliseconds(300)));

        Assert.Contains("the-only-one", error.Message, StringComparison.Ordinal);
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledSiloRefusesFurtherUseAndItsStreamsEnd()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await using var c = await cluster.ConnectAsync(0, "c");

        await cluster.KillSiloAsync(0);

        await c.Closed.WaitAsync(Wait.Timeout);
        Assert.False(cluster.Silos[0].IsRunning);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.ConnectAsync(0, "d"));
        await using var d = await cluster.ConnectAsync(1, "d");
        Assert.Equal("d", d.Connected!.ClientId);
    }

    [Fact]
    public async Task DisposeAsyncClosesStalledConnectionsToo()
    {
        var cluster = await SseTestCluster.StartAsync();
        var stalled = await cluster.ConnectStalledAsync(0, "stalled");

        await cluster.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => stalled.WaitForServerCloseAsync(Wait.Timeout));
    }

    [Fact]
    public void NullSettingsAreRefusedWhenSet()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new SseTestClusterOptions { Settings = null! });

        Assert.Contains("Settings", ex.Message, StringComparison.Ordinal);
    }
}
