namespace OrleansSse.Backplane;

/// <summary>Whether the backplane is reachable, and why not.</summary>
public sealed record BackplaneHealth(bool Healthy, string? Reason = null)
{
    /// <summary>Healthy.</summary>
    public static BackplaneHealth Ok { get; } = new(true);
}
