namespace OrleansSse.Connections;

/// <summary>Encoded SSE bytes with the position of the event they carry (0 for frames that are not events).</summary>
internal readonly record struct Frame(long Position, ReadOnlyMemory<byte> Bytes);
