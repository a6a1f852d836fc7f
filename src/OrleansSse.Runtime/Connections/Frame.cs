namespace OrleansSse.Connections;

/// <summary>
/// Encoded SSE bytes with the position of the event they carry (0 for frames that are not events)
/// and its coalesce key (null: none; a newer frame with the same key supersedes it while unwritten).
/// </summary>
internal readonly record struct Frame(long Position, ReadOnlyMemory<byte> Bytes, string? CoalesceKey = null);
