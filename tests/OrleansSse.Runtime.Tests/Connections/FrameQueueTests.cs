using System.Text;
using OrleansSse.Connections;

namespace OrleansSse.Tests.Connections;

public sealed class FrameQueueTests
{
    private static ReadOnlyMemory<byte> Bytes(int n) => Encoding.ASCII.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static int Value(ReadOnlyMemory<byte> bytes) => int.Parse(Encoding.ASCII.GetString(bytes.Span), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void KeyedEnqueue_SupersedesTheQueuedFrameWithThatKey()
    {
        var queue = new FrameQueue();
        queue.Enqueue(Bytes(1), "a");
        queue.Enqueue(Bytes(2));
        Assert.True(queue.Enqueue(Bytes(3), "a"));
        Assert.False(queue.Enqueue(Bytes(4), "b"));

        Assert.Equal(3, queue.Count);
        Assert.Equal([2, 3, 4], queue.ToArray().Select(Value));
    }

    [Fact]
    public void AKeyTakenByTheWriter_IsNoLongerSuperseded()
    {
        var queue = new FrameQueue();
        queue.Enqueue(Bytes(1), "a");
        Assert.True(queue.TryDequeue(out var written));
        Assert.Equal(1, Value(written));

        Assert.False(queue.Enqueue(Bytes(2), "a"));
        Assert.Equal([2], queue.ToArray().Select(Value));
    }

    [Fact]
    public void RandomInterleaving_MatchesTheModel_AndStaysSmall()
    {
        // Model: a list where a keyed frame removes the older one with its key and appends itself.
        var random = new Random(12345);
        var queue = new FrameQueue();
        var model = new List<(int Value, string? Key)>();
        var written = new List<int>();
        var expected = new List<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var roll = random.Next(10);
            if (roll < 2)
            {
                for (var n = random.Next(4); n > 0 && queue.TryDequeue(out var bytes); n--)
                {
                    written.Add(Value(bytes));
                    expected.Add(model[0].Value);
                    model.RemoveAt(0);
                }
            }
            else
            {
                var key = roll < 4 ? null : "k" + random.Next(5);
                var superseded = key is not null && model.RemoveAll(m => m.Key == key) > 0;
                model.Add((i, key));
                Assert.Equal(superseded, queue.Enqueue(Bytes(i), key));
            }

            Assert.Equal(model.Count, queue.Count);
        }

        Assert.Equal(model.Select(m => m.Value), queue.ToArray().Select(Value));
        Assert.Equal(expected, written);
        queue.Clear();
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _));
    }
}
