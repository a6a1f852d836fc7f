namespace OrleansSse;

/// <summary>
/// One Server-Sent Event: its name (the SSE <c>event:</c> field), its data text and, once the
/// broker has positioned it, its id (the SSE <c>id:</c> field, <see cref="EventCursor"/> text).
/// </summary>
/// <param name="Event">Event name; <c>message</c> is what <c>EventSource.onmessage</c> sees.</param>
/// <param name="Data">The data text. Line breaks (CR, LF, CRLF) become one <c>data:</c> line each.</param>
/// <param name="Id">Set by the broker; ignored when publishing.</param>
public sealed record SseEvent(string Event, string Data, string? Id = null)
{
    /// <summary>The default event name.</summary>
    public const string DefaultName = "message";

    /// <summary>
    /// Optional: events with the same coalesce key replace each other. A connection's queue holds
    /// at most one unwritten event per key (a newer one supersedes the older, which is never
    /// written), and a resume replays only the newest retained event per key. For high-frequency
    /// updates where only the latest value matters (a price, a progress bar). Same rules as client
    /// ids (<see cref="SseNames.IsValidKey"/>); null means no coalescing. Not sent to browsers.
    /// </summary>
    public string? CoalesceKey { get; init; }

    /// <summary>An event named <c>message</c>.</summary>
    public static SseEvent Message(string data) => new(DefaultName, data);
}
