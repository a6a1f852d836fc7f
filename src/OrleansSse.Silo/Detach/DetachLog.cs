namespace OrleansSse.Silo.Detach;

internal static partial class DetachLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Detached stream on connection {ConnectionId} ended with an error")]
    public static partial void DetachedStreamFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "Detached stream on connection {ConnectionId}: the input failed")]
    public static partial void InputFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Debug, Message = "Stream on connection {ConnectionId} detached from Kestrel, writing {Writer}")]
    public static partial void Detached(ILogger logger, string connectionId, string writer);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Kestrel failed on connection {ConnectionId} after its stream detached")]
    public static partial void KestrelFailedAfterDetach(ILogger logger, string connectionId, Exception exception);
}
