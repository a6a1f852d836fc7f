namespace OrleansSse.Silo.Hosting;

internal static partial class WatermarkLog
{
    [LoggerMessage(EventId = 63, Level = LogLevel.Debug, Message = "Publishing a watermark failed; trying again next interval: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);
}
