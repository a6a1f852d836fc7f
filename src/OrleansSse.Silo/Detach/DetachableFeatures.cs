using System.Collections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// The connection's features as the HTTP layer sees them: the transport's, except that
/// <see cref="DetachableConnection"/> answers for the detach feature, the heartbeat (so Kestrel's
/// timeout callback can be let go of once it is done) and the transport.
/// </summary>
internal sealed class DetachableFeatures(IFeatureCollection inner, DetachableConnection connection) : IFeatureCollection
{
    public bool IsReadOnly => inner.IsReadOnly;

    public int Revision => inner.Revision;

    public object? this[Type key]
    {
        get => Owns(key) ? connection : inner[key];
        set
        {
            if (!Owns(key))
            {
                inner[key] = value;
            }
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        yield return new(typeof(IStreamDetachFeature), connection);
        yield return new(typeof(IConnectionHeartbeatFeature), connection);
        yield return new(typeof(IConnectionTransportFeature), connection);
        foreach (var feature in inner)
        {
            if (!Owns(feature.Key))
            {
                yield return feature;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool Owns(Type key) =>
        key == typeof(IStreamDetachFeature) || key == typeof(IConnectionHeartbeatFeature) || key == typeof(IConnectionTransportFeature);
}
