using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

public sealed class ConnectionListTests
{
    private static SseConnection NewConnection(int i) => new($"c{i}", new StreamOptions(), new SseMetrics());

    private static List<SseConnection> Live(ConnectionList list)
    {
        var result = new List<SseConnection>();
        foreach (var connection in list.Snapshot())
        {
            if (connection is not null)
            {
                result.Add(connection);
            }
        }

        return result;
    }

    [Fact]
    public void OneConnection_ThenMore_ThenBackToOne_AndEmpty()
    {
        var list = new ConnectionList();
        Assert.True(list.Snapshot().IsEmpty);
        var a = NewConnection(1);
        var b = NewConnection(2);

        list.Add(a);
        Assert.Equal([a], Live(list));
        Assert.Equal(1, list.Count);

        list.Add(b);
        Assert.Equal([a, b], Live(list));
        Assert.Equal(2, list.Count);

        Assert.True(list.Remove(a));
        Assert.False(list.Remove(a));
        Assert.Equal([b], Live(list));
        Assert.Equal(1, list.Count);

        Assert.True(list.Remove(b));
        Assert.Equal(0, list.Count);
        Assert.Empty(Live(list));

        list.Add(a);
        Assert.Equal([a], Live(list));
    }

    [Fact]
    public void ManyAddsAndRemoves_KeepExactlyTheLiveConnections_InOrder()
    {
        var list = new ConnectionList();
        var expected = new List<SseConnection>();
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            if (expected.Count > 0 && random.Next(3) == 0)
            {
                var victim = expected[random.Next(expected.Count)];
                Assert.True(list.Remove(victim));
                expected.Remove(victim);
            }
            else
            {
                var connection = NewConnection(i);
                list.Add(connection);
                expected.Add(connection);
            }

            Assert.Equal(expected.Count, list.Count);
        }

        Assert.Equal(expected, Live(list));
    }

    [Fact]
    public void ASnapshot_StaysValid_WhileTheListChanges()
    {
        var list = new ConnectionList();
        var a = NewConnection(1);
        var b = NewConnection(2);
        list.Add(a);
        var snapshot = list.Snapshot();

        list.Remove(a);
        list.Add(b);

        var seen = new List<SseConnection?>();
        foreach (var connection in snapshot)
        {
            seen.Add(connection);
        }

        Assert.Equal([a], seen);
    }
}
