namespace OrleansSse.Silo.Hosting;

internal static partial class MembershipRefreshLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Refreshing the group memberships of {Count} connected clients failed; retrying every tick")]
    public static partial void Failed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Refreshing the group memberships of {Count} connected clients failed again: {Reason}")]
    public static partial void StillFailing(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Refreshing group memberships works again")]
    public static partial void Recovered(ILogger logger);
}
