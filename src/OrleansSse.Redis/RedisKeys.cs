using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// Every Redis key and channel name the backplane uses, in one place. All names start with
/// <c>{prefix}:</c>; the braces are a hash tag, so a deployment's keys share one cluster slot
/// (the Lua scripts touch several keys at once).
/// </summary>
/// <remarks>
/// Keys: <c>epoch</c> (string), <c>seq</c> (the one position counter), <c>stream:{target}</c>
/// (history, entry id <c>{position}-0</c>), <c>meta:{target}</c> (hash: trimmed-through and last
/// position of that stream), <c>members:{group}</c> (sorted set: client → deadline) and
/// <c>groups:{client}</c> (sorted set: group → deadline), <c>joined:{client}</c> (hash: group →
/// join position; added after the first release, so a membership without an entry there reads as
/// joined at 0, i.e. every retained event counts). A membership's deadline (unix ms on the
/// writer's clock, <c>+inf</c> when memberships never lapse) is its join or its client's last
/// refresh plus <see cref="RetentionOptions.MembershipLifetime"/>; at or past it the membership has
/// lapsed. The scripts remove lapsed entries from every membership key they touch and keep the key's
/// <c>PEXPIRE</c> at its latest deadline (<c>joined:</c> with <c>groups:</c>), so the keys of a
/// client that stays away expire. Releases before lapsing stored <c>members:</c> and
/// <c>groups:</c> as plain sets: a script that meets one turns it into a sorted set in place, every
/// entry with the deadline of a membership made then. <c>checkpoints</c> (hash: time bucket's
/// start → first position published in it, and <c>last</c> → the last one published) tells how old a cursor is once the meta keys that recorded its losses
/// have expired.
/// Channels: <c>ch:{target}</c> (live messages, <see cref="RedisProtocol"/>) and <c>probe:{id}</c>.
/// A target is <c>client:{id}</c>, <c>group:{name}</c> or <c>all</c>.
/// </remarks>
internal sealed class RedisKeys
{
    private readonly string _root;

    public RedisKeys(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("The key prefix must be non-empty and contain no braces.", nameof(prefix));
        }

        _root = "{" + prefix + "}:";
    }

    /// <summary>The current epoch.</summary>
    public RedisKey Epoch => _root + "epoch";

    /// <summary>The position sequence (INCR).</summary>
    public RedisKey Sequence => _root + "seq";

    /// <summary>A target's history stream.</summary>
    public RedisKey Stream(SseTarget target) => _root + "stream:" + Name(target);

    /// <summary>A target's stream bookkeeping: <c>trimmed</c> (highest trimmed position) and <c>last</c>.</summary>
    public RedisKey StreamMeta(SseTarget target) => _root + "meta:" + Name(target);

    /// <summary>Position checkpoints: time bucket's start (unix ms) → the first position published in it; <c>last</c> → the last one.</summary>
    public RedisKey Checkpoints => _root + "checkpoints";

    /// <summary>A group's members.</summary>
    public RedisKey GroupMembers(string group) => _root + "members:" + group;

    /// <summary>A client's groups.</summary>
    public RedisKey ClientGroups(string clientId) => _root + "groups:" + clientId;

    /// <summary>A client's join positions: group → position of its join.</summary>
    public RedisKey ClientJoins(string clientId) => _root + "joined:" + clientId;

    /// <summary>A target's live channel.</summary>
    public RedisChannel Channel(SseTarget target) => Literal(_root + "ch:" + Name(target));

    /// <summary>A private channel used to check that subscriptions are live.</summary>
    public RedisChannel Probe(string id) => Literal(_root + "probe:" + id);

    private static RedisChannel Literal(string name) => new(name, RedisChannel.PatternMode.Literal);

    private static string Name(SseTarget target) => target.Kind switch
    {
        TargetKind.Client => "client:" + target.Key,
        TargetKind.Group => "group:" + target.Key,
        TargetKind.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target.Kind, "Unknown target kind."),
    };
}
