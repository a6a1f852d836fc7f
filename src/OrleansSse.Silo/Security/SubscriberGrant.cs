namespace OrleansSse.Silo.Security;

/// <summary>What a valid subscriber token allows.</summary>
/// <param name="ClientId">The client id (<c>sub</c>).</param>
/// <param name="Groups">The groups it may join on connect, or null when the token does not restrict them.</param>
/// <param name="Expires">When the stream must end (<c>exp</c>).</param>
internal sealed record SubscriberGrant(string ClientId, IReadOnlyList<string>? Groups, DateTimeOffset Expires);
