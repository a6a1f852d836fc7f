namespace OrleansSse.Backplane;

/// <summary>An address: a client, a group, or everyone. Each target has its own stream (history).</summary>
public readonly record struct SseTarget(TargetKind Kind, string Key)
{
    /// <summary>Everyone.</summary>
    public static SseTarget All { get; } = new(TargetKind.All, "");

    /// <summary>One client.</summary>
    public static SseTarget Client(string clientId) => new(TargetKind.Client, clientId);

    /// <summary>One group.</summary>
    public static SseTarget Group(string name) => new(TargetKind.Group, name);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        TargetKind.Client => "client:" + Key,
        TargetKind.Group => "group:" + Key,
        _ => "all",
    };
}
