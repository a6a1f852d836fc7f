using System.Threading.Channels;

namespace OrleansSse.Baseline;

/// <summary>
/// One connected client: a bounded channel of 100 messages. When it is full the new message is
/// dropped and counted (the hand-written design: no resume, no slow-consumer policy).
/// </summary>
internal sealed class BaselineClient(string id)
{
    public const int Capacity = 100;

    private readonly Channel<BaselineMessage> _channel = Channel.CreateBounded<BaselineMessage>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public string Id { get; } = id;

    public ChannelReader<BaselineMessage> Reader => _channel.Reader;

    /// <summary>Queues a message; false when the channel is full and the message was dropped.</summary>
    public bool TryEnqueue(BaselineMessage message) => _channel.Writer.TryWrite(message);

    public void Complete() => _channel.Writer.TryComplete();
}
