using Microsoft.Extensions.Logging;

namespace OrleansSse.Ai;

/// <summary>Log messages of AI streaming.</summary>
internal static partial class AiLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "AI answer started for client {ClientId} (prompt of {PromptLength} characters)")]
    public static partial void Started(ILogger logger, string clientId, int promptLength);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "AI answer for client {ClientId} completed after {Tokens} tokens")]
    public static partial void Completed(ILogger logger, string clientId, int tokens);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "AI answer for client {ClientId} replaced by a newer prompt")]
    public static partial void Superseded(ILogger logger, string clientId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "AI answer for client {ClientId} stopped after {Tokens} tokens: the client is offline")]
    public static partial void ClientOffline(ILogger logger, string clientId, int tokens);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "AI answer for client {ClientId} failed; upstream said: {UpstreamBody}")]
    public static partial void Failed(ILogger logger, string clientId, string upstreamBody, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "AI answer for client {ClientId} could not be delivered: the backplane is unavailable")]
    public static partial void BackplaneUnavailable(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "AI answer for client {ClientId} cancelled: the server is stopping")]
    public static partial void CancelledByShutdown(ILogger logger, string clientId);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "AI streaming uses the {Provider} model {Model}")]
    public static partial void ModelSelected(ILogger logger, AiProvider provider, string model);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "AI answer for client {ClientId} stopped after {Tokens} tokens: it ran longer than {MaxAnswerDuration}")]
    public static partial void TooLong(ILogger logger, string clientId, int tokens, TimeSpan maxAnswerDuration);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "AI prompt for client {ClientId} refused: {Limit} answers are running (OrleansSse:Ai:MaxConcurrentAnswers)")]
    public static partial void Refused(ILogger logger, string clientId, int limit);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "AI answer for client {ClientId}: its final ai_response event (done, with the error) could not be sent")]
    public static partial void FinalEventFailed(ILogger logger, string clientId, Exception exception);
}
