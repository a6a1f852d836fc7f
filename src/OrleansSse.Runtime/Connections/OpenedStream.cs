namespace OrleansSse.Connections;

/// <summary>A stream <see cref="ConnectionRegistry.OpenAsync"/> opened, still held.</summary>
/// <param name="Connection">The connection.</param>
/// <param name="Recovered">Whether the resume (if any) replays the whole gap.</param>
/// <param name="History">Encoded history to replay before live frames.</param>
internal sealed record OpenedStream(SseConnection Connection, bool Recovered, IReadOnlyList<Frame> History);
