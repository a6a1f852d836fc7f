using Microsoft.Extensions.Logging;

namespace OrleansSse.Redis;

/// <summary>Log messages of the Redis backplane.</summary>
internal static partial class RedisBackplaneLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection to {EndPoint} failed ({FailureType}).")]
    public static partial void ConnectionFailed(ILogger logger, string connectionType, string? endPoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Redis {ConnectionType} connection to {EndPoint} restored.")]
    public static partial void ConnectionRestored(ILogger logger, string connectionType, string? endPoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Redis subscriptions are live again.")]
    public static partial void SubscriptionsLive(ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Redis backplane operation {Operation} failed: backplane unavailable.")]
    public static partial void OperationFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Dropped a malformed backplane message on {Channel} ({Length} bytes).")]
    public static partial void MalformedMessage(ILogger logger, string channel, int length);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "A backplane subscriber for {Channel} threw.")]
    public static partial void HandlerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Checking Redis subscriptions failed; retrying.")]
    public static partial void ProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Unsubscribing {Channel} failed.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "A Reconnected handler threw.")]
    public static partial void ReconnectedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Redis client internal error ({Origin}).")]
    public static partial void InternalError(ILogger logger, string? origin, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Redis lost writes: its position counter is at {Counter} but this process saw {Seen} in epoch {Epoch}. Started epoch {NewEpoch}; older cursors resume with \"recovered\": false.")]
    public static partial void SequenceWentBack(ILogger logger, string epoch, long seen, long counter, string newEpoch);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Checking the Redis position counter failed; retrying.")]
    public static partial void SequenceCheckFailed(ILogger logger, Exception exception);
}
