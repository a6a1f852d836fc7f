namespace OrleansSse.Silo.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Warning,
        Message = "Open mode: no publisher keys (OrleansSse:Auth:PublisherKeys), so anyone who can reach this silo can publish, broadcast and change groups. Configure keys for production.")]
    public static partial void PublishingOpen(ILogger logger);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning,
        Message = "Open mode: no subscriber signing key (OrleansSse:Auth:SubscriberSigningKeys), so anyone who knows a client id can listen as that client. Configure a key for production.")]
    public static partial void SubscribingOpen(ILogger logger);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning,
        Message = "Subscriber tokens are accepted in the access_token query parameter (OrleansSse:Auth:AllowTokenInQuery); keep them out of access logs.")]
    public static partial void TokenInQuery(ILogger logger);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information,
        Message = "Security: {PublisherKeys} publisher key(s), {SigningKeys} subscriber signing key(s), CORS origins: {Origins}")]
    public static partial void Configured(ILogger logger, int publisherKeys, int signingKeys, string origins);

    [LoggerMessage(EventId = 506, Level = LogLevel.Warning,
        Message = "Publishers need a key but subscribers do not: anyone who can reach this silo can connect as any client id with groups= and so add it to groups (up to Limits:MaxGroupsPerClient) that only key holders could otherwise change. Configure a subscriber signing key, or set Limits:MaxGroupsPerConnect to 0.")]
    public static partial void GroupsOpenToSubscribers(ILogger logger);

    [LoggerMessage(EventId = 507, Level = LogLevel.Warning,
        Message = "Too many wrong publisher keys from {Remote}: its calls get 429, their keys unchecked, until it slows down ({Blocked} such call(s) since the last warning).")]
    public static partial void PublisherKeyGuessing(ILogger logger, string remote, long blocked);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information,
        Message = "Subscriber token refused (401): {Reason}{Detail}")]
    public static partial void TokenRefused(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information,
        Message = "Subscriber token cookie refused (403): {Reason}")]
    public static partial void CookieTokenRefused(ILogger logger, string reason);
}
