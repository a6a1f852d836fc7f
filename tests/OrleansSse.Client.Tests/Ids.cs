namespace OrleansSse.Client.Tests;

/// <summary>Client ids and group names unique to one test, so tests sharing a cluster never see each other's events.</summary>
internal static class Ids
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static string New(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];
}
