using System.Text.Json;

namespace OrleansSse.Testing;

/// <summary>The broker's first event on a stream: <c>{"status":"connected","client_id":"…","recovered":…}</c>.</summary>
/// <param name="ClientId">The client id the silo uses for this connection (generated when none was given).</param>
/// <param name="Recovered">Whether the resume from <c>Last-Event-ID</c> was complete.</param>
/// <param name="Event">The raw event (its <see cref="SseTestEvent.Id"/> must be null).</param>
public sealed record SseConnectedEvent(string ClientId, bool Recovered, SseTestEvent Event)
{
    internal static SseConnectedEvent Parse(SseTestEvent evt)
    {
        if (evt.Type != "connected")
        {
            throw new InvalidOperationException($"The first event was not 'connected' but {evt}.");
        }

        using var doc = JsonDocument.Parse(evt.Data);
        var root = doc.RootElement;
        var status = root.GetProperty("status").GetString();
        if (status != "connected")
        {
            throw new InvalidOperationException($"The connected event has status '{status}': {evt.Data}");
        }

        return new SseConnectedEvent(
            root.GetProperty("client_id").GetString() ?? throw new InvalidOperationException("client_id is null"),
            root.GetProperty("recovered").GetBoolean(),
            evt);
    }
}
