namespace OrleansSse;

/// <summary>What the cluster knows about one client.</summary>
/// <param name="ClientId">The client's id.</param>
/// <param name="Online">Whether any silo holds an open connection for it.</param>
/// <param name="Groups">The groups it belongs to (kept in the backplane; they outlive connections).</param>
public sealed record ClientInfo(string ClientId, bool Online, IReadOnlyList<string> Groups);
