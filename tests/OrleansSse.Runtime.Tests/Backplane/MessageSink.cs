using System.Threading.Channels;
using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>Collects what a backplane subscription delivers and lets a test wait for it with a timeout.</summary>
public sealed class MessageSink
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Channel<BackplaneMessage> _channel = Channel.CreateUnbounded<BackplaneMessage>();
    private readonly List<BackplaneMessage> _seen = [];

    /// <summary>Pass this to <see cref="ISseBackplane.SubscribeAsync"/>.</summary>
    public void Add(BackplaneMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>Everything taken so far.</summary>
    public IReadOnlyList<BackplaneMessage> Seen => _seen;

    /// <summary>Waits for the next message.</summary>
    public async Task<BackplaneMessage> NextAsync(TimeSpan? timeout = null)
    {
        try
        {
            var message = await _channel.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? DefaultTimeout);
            _seen.Add(message);
            return message;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No message within {timeout ?? DefaultTimeout}; seen so far: {string.Join(", ", _seen.Select(Describe))}");
        }
    }

    /// <summary>Waits for <paramref name="count"/> messages.</summary>
    public async Task<List<BackplaneMessage>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        var taken = new List<BackplaneMessage>(count);
        for (var i = 0; i < count; i++)
        {
            taken.Add(await NextAsync(timeout));
        }

        return taken;
    }

    /// <summary>True when nothing is queued right now (use after a later marker message arrived).</summary>
    public bool IsEmpty => !_channel.Reader.TryPeek(out _);

    private static string Describe(BackplaneMessage m) => $"{m.Target}/{m.Kind}/{m.Position}/{m.Name}";
}
