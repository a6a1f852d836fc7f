using System.Reflection;
using Microsoft.Extensions.Options;
using OrleansSse.Ai;
using OrleansSse.Backplane;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Options;

/// <summary>
/// Binds the silo's sections and refuses values that cannot work, at start, with a message naming
/// the key (instead of a failure deep inside a component later). A key that no option reads — under
/// <c>OrleansSse</c> itself or any of its sections, <c>Ai</c>, <c>Auth</c> and <c>Cors</c> included —
/// is refused too, so a misspelt key never silently leaves a default in place.
/// </summary>
internal static class OptionsChecks
{
    /// <summary>Sections under <c>OrleansSse</c> that are not <see cref="SiloOptions"/> properties: bound on their own.</summary>
    private static readonly string[] OtherSections = ["Stream", "Retention", "Limits", "Auth", "Cors", "Ai"];

    /// <summary>The longest <see cref="LimitOptions.MaxConnectionLifetime"/> accepted (a deadline must stay a representable date).</summary>
    private static readonly TimeSpan LongestConnectionLifetime = TimeSpan.FromDays(365);

    public static void AddCheckedOptions(this IServiceCollection services, IConfigurationSection silo)
    {
        var backplane = silo.GetSection(nameof(SiloOptions.Backplane));
        services.AddOptions<SiloOptions>()
            .Configure(_ => RefuseUnknownKeys<SiloOptions>(silo, [.. KeysOf<SiloOptions>(), .. OtherSections]))
            .Configure(_ => RefuseUnknownKeys<SiloOptions>(backplane, KeysOf<BackplaneOptions>()))
            .Bind(silo) // not strictly: the other sections are bound on their own
            .ValidateOnStart();
        services.AddOptions<StreamOptions>().BindStrictly(silo.GetSection("Stream"))
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, Message("Stream:HeartbeatInterval", "must be longer than zero"))
            .Validate(o => o.QueueCapacity >= 1, Message("Stream:QueueCapacity", "must be at least 1"))
            .Validate(o => o.RetryMilliseconds >= 0 && o.DrainRetryMilliseconds >= 0,
                Message("Stream:RetryMilliseconds and DrainRetryMilliseconds", "must not be negative"))
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindStrictly(silo.GetSection("Retention"))
            .Validate(o => o.MaxEventsPerStream >= 1, Message("Retention:MaxEventsPerStream", "must be at least 1"))
            .Validate(o => o.MaxAge > TimeSpan.Zero, Message("Retention:MaxAge", "must be longer than zero"))
            .Validate(o => o.MaxReplayEvents >= 1, Message("Retention:MaxReplayEvents", "must be at least 1"))
            .ValidateOnStart();
        services.AddOptions<LimitOptions>().BindStrictly(silo.GetSection("Limits"))
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

        // AddOrleansSseAi binds and checks OrleansSse:Ai (strictly too); this runs first, for the same message as the other sections.
        var ai = silo.GetSection("Ai");
        services.AddOptions<AiOptions>().Configure(_ => RefuseUnknownKeys<AiOptions>(ai, KeysOf<AiOptions>()));
    }

    /// <summary>Binds <paramref name="section"/>, refusing a key that is no property of <typeparamref name="T"/>.</summary>
    public static OptionsBuilder<T> BindStrictly<T>(this OptionsBuilder<T> builder, IConfigurationSection section)
        where T : class =>
        builder.Configure(_ => RefuseUnknownKeys<T>(section, KeysOf<T>())).Bind(section, Strict);

    /// <summary>The binder's own check too (it also covers nested objects, of which the silo's options have none).</summary>
    private static void Strict(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;

    private static string[] KeysOf<T>() =>
        [.. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name)];

    /// <summary>
    /// Throws, naming every key directly under <paramref name="section"/> that is not one of
    /// <paramref name="known"/>: a validation failure of <typeparamref name="T"/>, so that the start
    /// reports it together with every other section's failures.
    /// </summary>
    private static void RefuseUnknownKeys<T>(IConfigurationSection section, string[] known)
    {
        var unknown = section.GetChildren().Select(c => c.Key)
            .Where(key => !known.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (unknown.Length > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(T), [
                $"{string.Join(", ", unknown.Select(key => $"{section.Path}:{key}"))} is not a known setting " +
                $"(the keys under {section.Path} are {string.Join(", ", known)}).",
            ]);
        }
    }

    private static string Message(string keys, string rule) => $"{SiloOptions.Section}:{keys} {rule}.";
}
