namespace OrleansSse.Baseline;

/// <summary>One queued message: an event, or a heartbeat comment when <see cref="Event"/> is null.</summary>
internal sealed record BaselineMessage(string? Id, string? Event, string Data)
{
    public static readonly BaselineMessage Heartbeat = new(null, null, "heartbeat");
}
