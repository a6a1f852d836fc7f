using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace OrleansSse.Ai;

/// <summary>
/// The built-in model: it needs no network and answers every prompt with a deterministic text
/// (the same prompt always gets the same answer), streamed as word pieces with
/// <see cref="TokenDelay"/> between them. It understands nothing; it exists so the demo and the
/// tests stream a plausible answer offline. Use <see cref="OpenAiCompatibleChatClient"/> for a real model.
/// </summary>
public sealed class SimulatedChatClient : IChatClient
{
    /// <summary>The model id this client reports.</summary>
    public const string ModelId = "orleanssse-simulated";

    private const int MaxPieceLength = 6;

    private static readonly string[] Openings =
    [
        "Good question.",
        "Here is a short answer.",
        "Let me think about that.",
        "Happy to help with that.",
    ];

    private static readonly string[] Bodies =
    [
        "Server-Sent Events keep one HTTP response open and push text frames down it, so a browser gets every update as it happens without polling.",
        "Each event carries an id; when the connection drops, the browser reconnects by itself and sends Last-Event-ID, and the broker replays what was missed.",
        "Several silos can share one backplane, so a message finds the silo that holds the client's open stream wherever the client connected.",
        "Streaming an answer token by token lets the reader start reading at once instead of waiting for the whole reply.",
    ];

    private readonly TimeProvider _time;

    /// <summary>Creates the model.</summary>
    /// <param name="tokenDelay">Pause before each token after the first; zero streams at once.</param>
    /// <param name="time">Clock for the pauses; the system clock when null.</param>
    public SimulatedChatClient(TimeSpan tokenDelay, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenDelay, TimeSpan.Zero);
        TokenDelay = tokenDelay;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Pause before each token after the first.</summary>
    public TimeSpan TokenDelay { get; }

    /// <summary>The whole answer the model streams for <paramref name="prompt"/>.</summary>
    public static string ComposeAnswer(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var hash = StableHash(prompt);
        var topic = Summarize(prompt);
        return string.Concat(
            Openings[hash % (uint)Openings.Length],
            " You asked: \"", topic, "\". ",
            Bodies[(hash / 7) % (uint)Bodies.Length],
            " (This reply comes from the built-in simulated model; configure OrleansSse:Ai to stream a real one.)");
    }

    /// <summary>Cuts <paramref name="text"/> into word pieces whose concatenation is the text.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            // A word with its leading spaces is one unit; long words are split into pieces.
            var end = start;
            while (end < text.Length && text[end] == ' ')
            {
                end++;
            }

            while (end < text.Length && text[end] != ' ')
            {
                end++;
            }

            var word = text.AsSpan(start, end - start);
            for (var i = 0; i < word.Length; i += MaxPieceLength)
            {
                tokens.Add(word.Slice(i, Math.Min(MaxPieceLength, word.Length - i)).ToString());
            }

            start = end;
        }

        return tokens;
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var responseId = "sim-" + StableHash(prompt).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var first = true;
        foreach (var token in Tokenize(ComposeAnswer(prompt)))
        {
            if (!first && TokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(TokenDelay, _time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            first = false;
            yield return new ChatResponseUpdate(ChatRole.Assistant, token) { ModelId = ModelId, ResponseId = responseId };
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop, ModelId = ModelId, ResponseId = responseId };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("simulated", null, ModelId);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string Summarize(string prompt)
    {
        var builder = new StringBuilder();
        foreach (var c in prompt.Trim())
        {
            if (builder.Length == 60)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) || c == '"' ? ' ' : c);
        }

        return builder.Length == 0 ? "nothing" : builder.ToString();
    }

    // FNV-1a: string.GetHashCode is randomized per process, and the answer must not be.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
