namespace OrleansSse.Backplane;

/// <summary>The three kinds of address an event can have.</summary>
public enum TargetKind : byte
{
    /// <summary>One client id.</summary>
    Client = 1,

    /// <summary>One group.</summary>
    Group = 2,

    /// <summary>Everyone (broadcast).</summary>
    All = 3,
}
