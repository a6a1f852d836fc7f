using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

// Group memberships: members:{group} and groups:{client} are sorted sets scored by each
// membership's deadline (see RedisKeys). The scripts get now and the deadline of a membership made
// now from this process's clock, drop lapsed entries, keep each key's expiry at its latest
// deadline, and upgrade keys of the old layout (plain sets) in place.
public sealed partial class RedisBackplane
{
    /// <summary>Clients per refresh script, so that one script holds Redis only briefly.</summary>
    private const int RefreshBatch = 64;

    /// <inheritdoc />
    public Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync("group-add", _scripts.GroupAdd, group, clientId, cancellationToken);

    /// <inheritdoc />
    public Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(groups);
        var distinct = groups.Distinct(StringComparer.Ordinal).ToArray();
        var (now, deadline) = MembershipClock();
        RedisKey[] keys = [_keys.Epoch, _keys.Sequence, _keys.ClientGroups(clientId), _keys.ClientJoins(clientId), .. distinct.Select(_keys.GroupMembers)];
        RedisValue[] args =
        [
            EpochGenerator.NewEpoch(), (string)_keys.Channel(SseTarget.Client(clientId))!, clientId, Math.Max(maxGroups, 0), now, deadline,
            .. distinct.Select(static g => (RedisValue)g),
        ];
        return _connection.RunAsync("group-add-within-limit", async redis =>
        {
            var result = (RedisResult[])(await _scripts.GroupAddWithinLimit.EvaluateAsync(redis.GetDatabase(), keys, args).ConfigureAwait(false))!;
            return new GroupJoinResult((long)result[0] == 1, (int)(long)result[1]);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync("group-remove", _scripts.GroupRemove, group, clientId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Per batch of clients, two scripts: one reads their current groups (a script must name every
    /// key it touches, and the groups' member sets are keys), the next pushes the deadlines of
    /// those memberships that still exist then.
    /// </remarks>
    public async Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);

        // With a lifetime of zero the deadline is '+inf': memberships made under a lifetime become permanent.
        foreach (var batch in clientIds.Distinct(StringComparer.Ordinal).Chunk(RefreshBatch))
        {
            await _connection.RunAsync("refresh-memberships", redis => RefreshAsync(redis.GetDatabase(), batch), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        var (now, deadline) = MembershipClock();
        return _connection.RunAsync<IReadOnlyList<string>>("group-members", async redis =>
        {
            var result = (RedisResult[])(await _scripts.GroupMembers.EvaluateAsync(redis.GetDatabase(), [_keys.GroupMembers(group)], [now, deadline]).ConfigureAwait(false))!;
            var members = result.Select(static m => (string)m!).ToArray();
            Array.Sort(members, StringComparer.Ordinal);
            return members;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default) =>
        [.. (await GetClientMembershipsAsync(clientId, cancellationToken).ConfigureAwait(false)).Select(static m => m.Group)];

    /// <inheritdoc />
    public Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var (now, deadline) = MembershipClock();
        return _connection.RunAsync<IReadOnlyList<GroupMembership>>("client-memberships", async redis =>
        {
            var result = (RedisResult[])(await _scripts.Memberships.EvaluateAsync(
                redis.GetDatabase(), [_keys.ClientGroups(clientId), _keys.ClientJoins(clientId)], [now, deadline]).ConfigureAwait(false))!;
            var memberships = new GroupMembership[result.Length / 2];
            for (var i = 0; i < memberships.Length; i++)
            {
                memberships[i] = new GroupMembership((string)result[2 * i]!, (long)result[(2 * i) + 1]);
            }

            Array.Sort(memberships, static (a, b) => string.CompareOrdinal(a.Group, b.Group));
            return memberships;
        }, cancellationToken);
    }

    private async Task<long> RefreshAsync(IDatabaseAsync database, string[] clientIds)
    {
        var (now, deadline) = MembershipClock();
        var clientKeys = clientIds.SelectMany(c => new[] { _keys.ClientGroups(c), _keys.ClientJoins(c) }).ToArray();
        var current = (RedisResult[])(await _scripts.ClientGroups.EvaluateAsync(database, clientKeys, [now, deadline]).ConfigureAwait(false))!;

        var keys = new List<RedisKey>(clientKeys.Length * 2);
        var args = new List<RedisValue> { now, deadline };
        for (var i = 0; i < clientIds.Length; i++)
        {
            var groups = ((RedisResult[])current[i]!).Select(static g => (string)g!).ToArray();
            if (groups.Length == 0)
            {
                continue;
            }

            keys.Add(clientKeys[2 * i]);
            keys.Add(clientKeys[(2 * i) + 1]);
            keys.AddRange(groups.Select(_keys.GroupMembers));
            args.Add(clientIds[i]);
            args.Add(groups.Length);
            args.AddRange(groups.Select(static g => (RedisValue)g));
        }

        if (keys.Count == 0)
        {
            return 0;
        }

        return (long)await _scripts.Refresh.EvaluateAsync(database, [.. keys], [.. args]).ConfigureAwait(false);
    }

    private Task<long> ChangeMembershipAsync(string operation, RedisScript script, string group, string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(clientId);
        var (now, deadline) = MembershipClock();
        return _connection.RunAsync(operation, async redis =>
        {
            var result = await script.EvaluateAsync(
                redis.GetDatabase(),
                [_keys.Epoch, _keys.Sequence, _keys.GroupMembers(group), _keys.ClientGroups(clientId), _keys.ClientJoins(clientId)],
                [EpochGenerator.NewEpoch(), (string)_keys.Channel(SseTarget.Client(clientId))!, group, clientId, now, deadline]).ConfigureAwait(false);
            return (long)result;
        }, cancellationToken);
    }

    // Now, and the deadline of a membership joined or refreshed now (unix ms; "+inf" when memberships never lapse).
    private (RedisValue Now, RedisValue Deadline) MembershipClock()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var lifetime = _retention.MembershipLifetime;
        return (now, lifetime == TimeSpan.Zero ? "+inf" : now + (long)lifetime.TotalMilliseconds);
    }
}
