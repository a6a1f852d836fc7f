using OrleansSse.Backplane;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Options;

/// <summary>
/// Binds the stream, retention and limit sections and refuses values that cannot work, at start,
/// with a message naming the key (instead of a failure deep inside a component later). Unknown
/// keys in these sections are refused too.
/// </summary>
internal static class OptionsChecks
{
    public static void AddCheckedOptions(this IServiceCollection services, IConfigurationSection silo)
    {
        services.AddOptions<StreamOptions>().Bind(silo.GetSection("Stream"), Strict)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, Message("Stream:HeartbeatInterval", "must be longer than zero"))
            .Validate(o => o.QueueCapacity >= 1, Message("Stream:QueueCapacity", "must be at least 1"))
            .Validate(o => o.RetryMilliseconds >= 0 && o.DrainRetryMilliseconds >= 0,
                Message("Stream:RetryMilliseconds and DrainRetryMilliseconds", "must not be negative"))
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(silo.GetSection("Retention"), Strict)
            .Validate(o => o.MaxEventsPerStream >= 1, Message("Retention:MaxEventsPerStream", "must be at least 1"))
            .Validate(o => o.MaxAge > TimeSpan.Zero, Message("Retention:MaxAge", "must be longer than zero"))
            .Validate(o => o.MaxReplayEvents >= 1, Message("Retention:MaxReplayEvents", "must be at least 1"))
            .ValidateOnStart();
        services.AddOptions<LimitOptions>().Bind(silo.GetSection("Limits"), Strict)
            .Validate(o => o.MaxConnections >= 1 && o.MaxConnectionsPerIp >= 1 && o.MaxConnectionsPerClient >= 1,
                Message("Limits:MaxConnections, MaxConnectionsPerIp and MaxConnectionsPerClient", "must be at least 1"))
            .Validate(o => o.MaxBodyBytes >= 1, Message("Limits:MaxBodyBytes", "must be at least 1"))
            .Validate(o => o.MaxGroupsPerConnect >= 0 && o.MaxGroupsPerClient >= 0,
                Message("Limits:MaxGroupsPerConnect and MaxGroupsPerClient", "must not be negative"))
            .Validate(o => o.PublishEventsPerSecond >= 0 && o.PublishBurst >= 0 && o.RetryAfterSeconds >= 0,
                Message("Limits:PublishEventsPerSecond, PublishBurst and RetryAfterSeconds", "must not be negative"))
            .ValidateOnStart();
    }

    /// <summary>A misspelt key is refused at start instead of silently leaving a default in place.</summary>
    public static void Strict(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;

    private static string Message(string keys, string rule) => $"{SiloOptions.Section}:{keys} {rule}.";
}
