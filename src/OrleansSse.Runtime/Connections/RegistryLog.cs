using Microsoft.Extensions.Logging;

namespace OrleansSse.Connections;

internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Draining {Count} streams")]
    public static partial void Draining(ILogger logger, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Backplane reconnected; catching up {Count} streams from history")]
    public static partial void CatchingUp(ILogger logger, int count);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Catch-up failed for client {ClientId}; ending the stream so it resumes")]
    public static partial void CatchUpFailed(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Unsubscribing {Target} failed")]
    public static partial void UnsubscribeFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information,
        Message = "Stream of client {ClientId} cut as a slow consumer: its writer waited on the client for more than {Timeout}")]
    public static partial void WriteStalled(ILogger logger, string clientId, TimeSpan timeout);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information,
        Message = "Catch-up for client {ClientId}: its membership of group {Group} ended during the outage and the group published meanwhile; ending the stream so it resumes")]
    public static partial void MembershipEndedUnseen(ILogger logger, string clientId, string group);
}
