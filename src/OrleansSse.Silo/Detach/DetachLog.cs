namespace OrleansSse.Silo.Detach;

internal static partial class DetachLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Detached stream on connection {ConnectionId} ended with an error")]
    public static partial void DetachedStreamFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "Detached stream on connection {ConnectionId}: the input failed")]
    public static partial void InputFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Debug, Message = "Stream on connection {ConnectionId} detached from Kestrel, writing {Writer}")]
    public static partial void Detached(ILogger logger, string connectionId, string writer);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "OrleansSse:Stream:DetachFromKestrel is on, but no Kestrel endpoint runs the detach middleware: a ConfigureEndpointDefaults of the host's own replaced the silo's. Streams stay in Kestrel (about twice the memory per idle stream); configure endpoints with Listen(..., listen => ...) instead, which keeps the silo's defaults")]
    public static partial void NotInstalled(ILogger logger);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Kestrel failed on connection {ConnectionId} after its stream detached")]
    public static partial void KestrelFailedAfterDetach(ILogger logger, string connectionId, Exception exception);
}
