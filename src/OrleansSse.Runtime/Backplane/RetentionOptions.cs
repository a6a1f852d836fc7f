namespace OrleansSse.Backplane;

/// <summary>How much history each target's stream keeps. Both bounds apply.</summary>
public sealed class RetentionOptions
{
    /// <summary>Events kept per target stream (client, group, broadcast). Default 1000.</summary>
    public int MaxEventsPerStream { get; set; } = 1000;

    /// <summary>Oldest event kept. Default 10 minutes.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);
}
