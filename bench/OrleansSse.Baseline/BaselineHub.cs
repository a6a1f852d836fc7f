using System.Collections.Concurrent;

namespace OrleansSse.Baseline;

/// <summary>
/// The client dictionary. Broadcast loops over every client and enqueues the message into each
/// channel. Single process only; a second connection with the same client id replaces the first.
/// </summary>
internal sealed class BaselineHub
{
    private readonly ConcurrentDictionary<string, BaselineClient> _clients = new();
    private long _nextId;
    private long _totalConnections;
    private long _sent;
    private long _dropped;

    public int Active => _clients.Count;
    public long TotalConnections => Interlocked.Read(ref _totalConnections);
    public long Sent => Interlocked.Read(ref _sent);
    public long Dropped => Interlocked.Read(ref _dropped);

    public BaselineClient Connect(string clientId)
    {
        var client = new BaselineClient(clientId);
        _clients.AddOrUpdate(clientId, client, (_, old) => { old.Complete(); return client; });
        Interlocked.Increment(ref _totalConnections);
        return client;
    }

    public void Disconnect(BaselineClient client) =>
        _clients.TryRemove(new KeyValuePair<string, BaselineClient>(client.Id, client));

    public string NextId() => Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends to one client; false when it is not connected here.</summary>
    public bool Send(string clientId, BaselineMessage message)
    {
        if (!_clients.TryGetValue(clientId, out var client))
        {
            return false;
        }
        Offer(client, message);
        return true;
    }

    public void Broadcast(BaselineMessage message)
    {
        foreach (var client in _clients.Values)
        {
            Offer(client, message);
        }
    }

    public void MarkSent() => Interlocked.Increment(ref _sent);

    private void Offer(BaselineClient client, BaselineMessage message)
    {
        if (!client.TryEnqueue(message))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
