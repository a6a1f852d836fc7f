using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Configuration;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Options;

/// <summary>
/// Binds the silo's sections and refuses values that cannot work, at start, with a message naming
/// the key (instead of a failure deep inside a component later). A key that no option reads — under
/// <c>OrleansSse</c> itself or any of its sections, <c>Ai</c>, <c>Auth</c> and <c>Cors</c> included —
/// is refused too, so a misspelt key never silently leaves a default in place, and so is a value
/// that does not convert. Every check is a validation failure (<see cref="CheckedBinding"/>), never
/// a throw while binding, so one start reports every problem of every section together.
/// </summary>
internal static class OptionsChecks
{
    /// <summary>Sections under <c>OrleansSse</c> that are not <see cref="SiloOptions"/> properties: bound on their own.</summary>
    private static readonly string[] OtherSections = ["Stream", "Retention", "Limits", "Auth", "Cors", "Ai"];

    /// <summary>The longest <see cref="LimitOptions.MaxConnectionLifetime"/> accepted (a deadline must stay a representable date).</summary>
    private static readonly TimeSpan LongestConnectionLifetime = TimeSpan.FromDays(365);

    /// <summary>The longest <see cref="StreamOptions.WriteStallTimeout"/> accepted (longer protects nothing).</summary>
    private static readonly TimeSpan LongestWriteStallTimeout = TimeSpan.FromDays(1);

    public static void AddCheckedOptions(this IServiceCollection services, IConfigurationSection silo)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StartupChecks>());
        services.AddOptions<SiloOptions>()
            .BindChecked(silo, OtherSections) // the other sections are bound on their own
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        services.AddOptions<StreamOptions>().BindChecked(silo.GetSection("Stream"))
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, Message("Stream:HeartbeatInterval", "must be longer than zero"))
            .Validate(o => o.QueueCapacity >= 1, Message("Stream:QueueCapacity", "must be at least 1"))
            .Validate(o => o.WriteStallTimeout >= TimeSpan.Zero && o.WriteStallTimeout <= LongestWriteStallTimeout,
                Message("Stream:WriteStallTimeout", "must be between 00:00:00 (off) and 1.00:00:00"))
            .Validate(o => o.RetryMilliseconds >= 0 && o.DrainRetryMilliseconds >= 0,
                Message("Stream:RetryMilliseconds and DrainRetryMilliseconds", "must not be negative"))
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindChecked(silo.GetSection("Retention")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>>(new RetentionChecks($"{SiloOptions.Section}:Retention")); // shared with the client
        services.AddOptions<LimitOptions>().BindChecked(silo.GetSection("Limits"))
            .Validate(o => o.MaxConnections >= 1 && o.MaxConnectionsPerIp >= 1 && o.MaxConnectionsPerClient >= 1,
                Message("Limits:MaxConnections, MaxConnectionsPerIp and MaxConnectionsPerClient", "must be at least 1"))
            .Validate(o => o.MaxBodyBytes >= 1, Message("Limits:MaxBodyBytes", "must be at least 1"))
            .Validate(o => o.MaxGroupsPerConnect >= 0 && o.MaxGroupsPerClient >= 0,
                Message("Limits:MaxGroupsPerConnect and MaxGroupsPerClient", "must not be negative"))
            .Validate(o => o.PublishEventsPerSecond >= 0 && o.RetryAfterSeconds >= 0,
                Message("Limits:PublishEventsPerSecond and RetryAfterSeconds", "must not be negative"))
            .Validate(o => o.PublishBurst >= 1,
                Message("Limits:PublishBurst", "must be at least 1 (PublishEventsPerSecond 0 turns the rate limit off)"))
            .Validate(o => o.MaxConnectionLifetime is not { } lifetime || (lifetime >= TimeSpan.Zero && lifetime <= LongestConnectionLifetime),
                Message("Limits:MaxConnectionLifetime", "must be between 00:00:00 (no limit, as is empty) and 365.00:00:00"))
            .ValidateOnStart();
    }

    private static string Message(string keys, string rule) => $"{SiloOptions.Section}:{keys} {rule}.";
}
