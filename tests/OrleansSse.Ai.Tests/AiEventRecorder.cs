using System.Threading.Channels;
using OrleansSse.Backplane;

namespace OrleansSse.Ai.Tests;

/// <summary>
/// Follows one client's target on the backplane, as a silo holding its connection would (which
/// also makes the client online), and records the <c>ai_response</c> events sent to it.
/// </summary>
internal sealed class AiEventRecorder : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Channel<AiEvent> _events = Channel.CreateUnbounded<AiEvent>();
    private IAsyncDisposable? _subscription;

    private AiEventRecorder()
    {
    }

    public static async Task<AiEventRecorder> StartAsync(ISseBackplane backplane, string clientId)
    {
        var recorder = new AiEventRecorder();
        recorder._subscription = await backplane.SubscribeAsync(SseTarget.Client(clientId), recorder.OnMessage);
        return recorder;
    }

    public async Task<AiEvent> NextAsync() => await _events.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Reads events up to and including the first with <c>done:true</c>.</summary>
    public async Task<List<AiEvent>> UntilDoneAsync()
    {
        var events = new List<AiEvent>();
        while (true)
        {
            var evt = await NextAsync();
            events.Add(evt);
            if (evt.Done)
            {
                return events;
            }
        }
    }

    public bool TryRead(out AiEvent? evt) => _events.Reader.TryRead(out evt);

    public async ValueTask DisposeAsync()
    {
        if (_subscription is { } subscription)
        {
            _subscription = null;
            await subscription.DisposeAsync();
        }
    }

    private void OnMessage(BackplaneMessage message)
    {
        if (message.Kind == MessageKind.Event && message.Name == "ai_response")
        {
            _events.Writer.TryWrite(AiEvent.Parse(message.Data, message.Cursor.ToString()));
        }
    }
}
