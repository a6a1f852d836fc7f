using OrleansSse.Connections;

namespace OrleansSse.Silo;

internal static partial class SiloLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Backplane unavailable for {Method} {Path}: answered 503")]
    public static partial void BackplaneUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stream of client {ClientId} cut: {Reason}")]
    public static partial void StreamCut(ILogger logger, string clientId, CloseReason reason);
}
