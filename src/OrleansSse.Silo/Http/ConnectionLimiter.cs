using Microsoft.Extensions.Options;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Http;

/// <summary>Counts this silo's open streams in total, per remote IP and per client id.</summary>
internal sealed class ConnectionLimiter(IOptions<LimitOptions> options)
{
    private readonly object _gate = new();
    private readonly LimitOptions _limits = options.Value;
    private readonly Dictionary<string, int> _perIp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private int _total;

    public LimitVerdict TryAcquire(string ip, string clientId)
    {
        lock (_gate)
        {
            if (_total >= _limits.MaxConnections)
            {
                return LimitVerdict.TooManyTotal;
            }

            if (_perIp.GetValueOrDefault(ip) >= _limits.MaxConnectionsPerIp)
            {
                return LimitVerdict.TooManyForIp;
            }

            if (_perClient.GetValueOrDefault(clientId) >= _limits.MaxConnectionsPerClient)
            {
                return LimitVerdict.TooManyForClient;
            }

            _total++;
            _perIp[ip] = _perIp.GetValueOrDefault(ip) + 1;
            _perClient[clientId] = _perClient.GetValueOrDefault(clientId) + 1;
            return LimitVerdict.Allowed;
        }
    }

    public void Release(string ip, string clientId)
    {
        lock (_gate)
        {
            _total--;
            Decrement(_perIp, ip);
            Decrement(_perClient, clientId);
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        var left = counts.GetValueOrDefault(key) - 1;
        if (left <= 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = left;
        }
    }
}
