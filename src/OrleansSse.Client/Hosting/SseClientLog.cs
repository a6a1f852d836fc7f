using Microsoft.Extensions.Logging;

namespace OrleansSse.Client.Hosting;

internal static partial class SseClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "OrleansSse client connected to the cluster's Redis at position {Position}.")]
    public static partial void RedisConnected(ILogger logger, string position);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "OrleansSse client could not reach the cluster's Redis at start; it keeps retrying and operations fail until it is back.")]
    public static partial void RedisUnavailableAtStart(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "OrleansSse client reaches the cluster over HTTP at {BaseAddress}.")]
    public static partial void HttpMode(ILogger logger, Uri baseAddress);
}
