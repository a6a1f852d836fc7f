using System.Threading.Channels;
using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>Collects what a subscription delivers; tests await the next messages with a timeout.</summary>
public sealed class Inbox
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<BackplaneMessage> _messages = Channel.CreateUnbounded<BackplaneMessage>();

    public void Add(BackplaneMessage message) => _messages.Writer.TryWrite(message);

    public async Task<BackplaneMessage> NextAsync() =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async Task<List<BackplaneMessage>> TakeAsync(int count)
    {
        var list = new List<BackplaneMessage>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(await NextAsync());
        }

        return list;
    }

    public bool TryRead(out BackplaneMessage? message) => _messages.Reader.TryRead(out message);
}
