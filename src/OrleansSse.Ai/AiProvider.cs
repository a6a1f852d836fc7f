namespace OrleansSse.Ai;

/// <summary>Which model answers <c>POST /api/ai/stream-chat</c>.</summary>
public enum AiProvider
{
    /// <summary>The built-in <see cref="SimulatedChatClient"/>: deterministic, offline. The default.</summary>
    Simulated,

    /// <summary>An OpenAI-compatible <c>/chat/completions</c> endpoint (<see cref="OpenAiCompatibleChatClient"/>).</summary>
    OpenAi,
}
