using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Enforces <see cref="LimitOptions.MaxGroupsPerClient"/>: a client may belong to at most that many
/// groups in total. Checked before joining (membership lives in the backplane), so concurrent joins
/// of one client may pass it by a few; re-joining a group the client is already in always passes.
/// </summary>
internal sealed class GroupQuota(ISseBackplane backplane, IOptions<LimitOptions> options)
{
    /// <summary>A 409 problem when joining <paramref name="joining"/> would exceed the limit, otherwise null.</summary>
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
        return adds > 0 && after.Count > max
            ? Problems.Conflict($"A client may belong to at most {max} groups; '{clientId}' would belong to {after.Count}.")
            : null;
    }
}
