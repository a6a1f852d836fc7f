namespace OrleansSse.Backplane;

/// <summary>
/// The group memberships of <see cref="InMemoryBackplane"/>, each with a deadline (join or refresh
/// plus <see cref="RetentionOptions.MembershipLifetime"/>; none when the lifetime is zero), with the
/// lapse the Redis backplane gets from sorted-set scores and <c>PEXPIRE</c>: a membership past its
/// deadline is removed as a whole, from both the group's and the client's side. Without it, every
/// client id that ever joined a group would be kept for the life of the process. Not thread-safe:
/// the owner locks.
/// </summary>
/// <remarks>
/// Clients with memberships that can lapse sit in a queue ordered by their earliest deadline (at
/// most one entry per client; a refresh only pushes deadlines later, so an entry is never late),
/// and <see cref="Sweep"/> looks only at the entries that are due: constant work per call, plus
/// what it removes or re-queues.
/// </remarks>
internal sealed class InMemoryMemberships(TimeSpan lifetime)
{
    private readonly Dictionary<string, SortedSet<string>> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Client> _clients = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Client, DateTimeOffset> _due = new();

    /// <summary>Memberships held (for tests and diagnostics).</summary>
    public int Count { get; private set; }

    /// <summary>Entries waiting in the lapse queue (for tests and diagnostics): at most one per client held.</summary>
    public int QueuedCount => _due.Count;

    /// <summary>Groups with at least one member held (for tests and diagnostics).</summary>
    public int GroupCount => _members.Count;

    /// <summary>Clients held (for tests and diagnostics): those with memberships, and those that left their last group while queued.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Whether the client belongs to the group (call <see cref="Sweep"/> first).</summary>
    public bool Contains(string clientId, string group) =>
        _clients.TryGetValue(clientId, out var client) && client.Groups.ContainsKey(group);

    /// <summary>How many groups the client belongs to (call <see cref="Sweep"/> first).</summary>
    public int CountOf(string clientId) => _clients.TryGetValue(clientId, out var client) ? client.Groups.Count : 0;

    /// <summary>
    /// Adds the client to the group with <paramref name="position"/> as its join position, or, when
    /// it already belongs to it, keeps its first join position. Either way the membership's deadline
    /// becomes <paramref name="now"/> plus the lifetime.
    /// </summary>
    public void Join(string group, string clientId, long position, DateTimeOffset now)
    {
        if (!_clients.TryGetValue(clientId, out var client))
        {
            client = new Client(clientId);
            _clients[clientId] = client;
        }

        var deadline = Deadline(now);
        if (client.Groups.TryGetValue(group, out var membership))
        {
            client.Groups[group] = membership with { Deadline = deadline };
        }
        else
        {
            client.Groups[group] = new Membership(position, deadline);
            GetOrAddMembers(group).Add(clientId);
            Count++;
        }

        Queue(client, deadline);
    }

    /// <summary>Removes the client from the group, if it belongs to it.</summary>
    public void Leave(string group, string clientId)
    {
        if (_clients.TryGetValue(clientId, out var client))
        {
            Remove(client, group);
        }
    }

    /// <summary>Pushes the deadline of each of the client's memberships to <paramref name="now"/> plus the lifetime.</summary>
    public void Refresh(string clientId, DateTimeOffset now)
    {
        if (!_clients.TryGetValue(clientId, out var client) || lifetime == TimeSpan.Zero)
        {
            return;
        }

        var deadline = Deadline(now);
        foreach (var group in client.Groups.Keys.ToArray())
        {
            client.Groups[group] = client.Groups[group] with { Deadline = deadline };
        }
    }

    /// <summary>The group's members, sorted ordinally (call <see cref="Sweep"/> first).</summary>
    public IReadOnlyList<string> Members(string group) => _members.TryGetValue(group, out var members) ? [.. members] : [];

    /// <summary>The client's groups with their join positions, sorted ordinally by group (call <see cref="Sweep"/> first).</summary>
    public IReadOnlyList<GroupMembership> Of(string clientId) =>
        _clients.TryGetValue(clientId, out var client) ? [.. client.Groups.Select(static g => new GroupMembership(g.Key, g.Value.JoinedAt))] : [];

    /// <summary>Removes every membership whose deadline is at or before <paramref name="now"/>.</summary>
    public void Sweep(DateTimeOffset now)
    {
        while (_due.TryPeek(out var client, out var at) && at <= now)
        {
            _due.Dequeue();
            client.Queued = false;

            // An entry of a client removed since (it left every group) is not the current one.
            if (!_clients.TryGetValue(client.Id, out var current) || current != client)
            {
                continue;
            }

            var earliest = DateTimeOffset.MaxValue;
            foreach (var (group, membership) in client.Groups.ToArray())
            {
                if (membership.Deadline <= now)
                {
                    Remove(client, group);
                }
                else if (membership.Deadline < earliest)
                {
                    earliest = membership.Deadline;
                }
            }

            if (client.Groups.Count > 0)
            {
                Queue(client, earliest);
            }
            else
            {
                _clients.Remove(client.Id);
            }
        }
    }

    private DateTimeOffset Deadline(DateTimeOffset now) =>
        lifetime == TimeSpan.Zero ? DateTimeOffset.MaxValue : now + lifetime;

    private void Queue(Client client, DateTimeOffset deadline)
    {
        if (!client.Queued && deadline != DateTimeOffset.MaxValue)
        {
            client.Queued = true;
            _due.Enqueue(client, deadline);
        }
    }

    private void Remove(Client client, string group)
    {
        if (!client.Groups.Remove(group))
        {
            return;
        }

        Count--;

        // A client still queued stays (empty) until its entry is due, so a client that leaves and
        // joins again reuses it instead of queueing one more entry each time.
        if (client.Groups.Count == 0 && !client.Queued)
        {
            _clients.Remove(client.Id);
        }

        if (_members.TryGetValue(group, out var members) && members.Remove(client.Id) && members.Count == 0)
        {
            _members.Remove(group);
        }
    }

    private SortedSet<string> GetOrAddMembers(string group)
    {
        if (!_members.TryGetValue(group, out var members))
        {
            members = new SortedSet<string>(StringComparer.Ordinal);
            _members[group] = members;
        }

        return members;
    }

    private readonly record struct Membership(long JoinedAt, DateTimeOffset Deadline);

    private sealed class Client(string id)
    {
        public string Id { get; } = id;

        public SortedDictionary<string, Membership> Groups { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether the client has an entry in the queue (at or before its earliest deadline).</summary>
        public bool Queued { get; set; }
    }
}
