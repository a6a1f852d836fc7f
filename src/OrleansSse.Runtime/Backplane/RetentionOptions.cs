namespace OrleansSse.Backplane;

/// <summary>
/// How much history each target's stream keeps (both bounds apply), and how long a client's group
/// memberships outlive its last connection.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Events kept per target stream (client, group, broadcast). Default 1000.</summary>
    public int MaxEventsPerStream { get; set; } = 1000;

    /// <summary>Oldest event kept. Default 10 minutes.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Most events one resume replays (across the client, its groups and broadcast). Past it the
    /// newest are replayed and the resume is not recovered. Bounds the work one reconnect can
    /// cause. Default 10000.
    /// </summary>
    public int MaxReplayEvents { get; set; } = 10_000;

    /// <summary>
    /// Most bytes one resume replays (UTF-8 of event names and data, across the client, its groups
    /// and broadcast). Past it the newest are replayed and the resume is not recovered. Bounds the
    /// memory one reconnect takes in its connection's queue. Default 8 MiB.
    /// </summary>
    public long MaxReplayBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Most memory the in-memory backplane's retained events take, all streams together (counted as
    /// each event's name, data and coalesce key in UTF-16 plus 128 bytes; the markers of dropped
    /// streams come on top). Past it the streams appended to least
    /// recently are dropped first (a resume from before them is not recovered), then the oldest
    /// events of the newest. Bounds what publishers can make one silo hold. Default 512 MiB. The
    /// Redis backplane ignores it: size Redis with its own <c>maxmemory</c>.
    /// </summary>
    public long MaxRetainedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// How long a client's group memberships outlive its last connection: a join sets a membership's
    /// deadline to now plus this, and every silo pushes the deadlines of the clients it holds
    /// connections for (at connect and periodically, see <see cref="ISseBackplane.RefreshMembershipsAsync"/>).
    /// A membership past its deadline lapses: it is no longer listed, the client no longer follows
    /// the group, and its storage is freed. Default 1 day; <see cref="TimeSpan.Zero"/>: memberships
    /// never lapse (they are kept until removed). A silo refuses a value other than zero below
    /// <see cref="MaxAge"/>. A resume from a cursor older than <see cref="GetMembershipLapseHorizon"/>
    /// is not recovered.
    /// </summary>
    public TimeSpan MembershipLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How often silos refresh the memberships of the clients they hold streams for: a quarter of
    /// <see cref="MembershipLifetime"/>, at most an hour; <see cref="Timeout.InfiniteTimeSpan"/> when
    /// memberships never lapse.
    /// </summary>
    public TimeSpan GetMembershipRefreshInterval() => MembershipLifetime <= TimeSpan.Zero
        ? Timeout.InfiniteTimeSpan
        : TimeSpan.FromTicks(Math.Min(MembershipLifetime.Ticks / 4, TimeSpan.TicksPerHour));

    /// <summary>
    /// How old a cursor may be before a lapsed membership could have cost it events: a membership
    /// lapses no sooner than <see cref="MembershipLifetime"/> after its client's last refresh, and a
    /// connected client is refreshed every <see cref="GetMembershipRefreshInterval"/>; this allows two
    /// of those (a slow refresh pass). A resume from an older cursor is not recovered: the groups the
    /// client lost may have published meanwhile. <see cref="TimeSpan.MaxValue"/> when memberships
    /// never lapse.
    /// </summary>
    public TimeSpan GetMembershipLapseHorizon() => MembershipLifetime <= TimeSpan.Zero
        ? TimeSpan.MaxValue
        : MembershipLifetime - (2 * GetMembershipRefreshInterval());
}
