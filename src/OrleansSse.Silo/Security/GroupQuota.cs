using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Enforces <see cref="LimitOptions.MaxGroupsPerClient"/>: a client may belong to at most that many
/// groups in total. <see cref="JoinAsync"/> checks and joins in one atomic backplane step, so
/// concurrent joins of one client cannot pass the limit together; re-joining a group the client is
/// already in always passes. <see cref="CheckAsync"/> answers early (before a stream is admitted),
/// without changing anything.
/// </summary>
internal sealed class GroupQuota(ISseBackplane backplane, IOptions<LimitOptions> options)
{
    /// <summary>A 409 problem when joining <paramref name="joining"/> would exceed the limit now, otherwise null.</summary>
    public async Task<IResult?> CheckAsync(string clientId, IReadOnlyCollection<string> joining, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxGroupsPerClient;
        if (max <= 0 || joining.Count == 0)
        {
            return null;
        }

        var current = await backplane.GetClientGroupsAsync(clientId, cancellationToken).ConfigureAwait(false);
        var after = new HashSet<string>(current, StringComparer.Ordinal);
        var adds = joining.Count(after.Add);
        return adds > 0 && after.Count > max ? OverLimit(clientId, max, after.Count) : null;
    }

    /// <summary>Joins <paramref name="joining"/> (all or none); a 409 problem when that would exceed the limit, otherwise null.</summary>
    public async Task<IResult?> JoinAsync(string clientId, IReadOnlyCollection<string> joining, CancellationToken cancellationToken)
    {
        if (joining.Count == 0)
        {
            return null;
        }

        var max = options.Value.MaxGroupsPerClient;
        var result = await backplane.AddToGroupsWithinLimitAsync(clientId, joining, max, cancellationToken).ConfigureAwait(false);
        return result.Joined ? null : OverLimit(clientId, max, result.Groups);
    }

    private static IResult OverLimit(string clientId, int max, int groups) =>
        Problems.Conflict($"A client may belong to at most {max} groups; '{clientId}' would belong to {groups}.");
}
