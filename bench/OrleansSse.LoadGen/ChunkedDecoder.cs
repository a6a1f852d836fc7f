namespace OrleansSse.LoadGen;

/// <summary>
/// Streaming decoder of HTTP/1.1 chunked transfer coding. Keeps its state between reads;
/// chunk extensions are skipped, trailers are not expected (the stream ends at the zero chunk).
/// </summary>
internal sealed class ChunkedDecoder
{
    private long _remaining;
    private int _skip;

    /// <summary>
    /// Decodes as much of <paramref name="input"/> as possible into <paramref name="sink"/>;
    /// returns the bytes consumed (the rest is a partial size line to present again).
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, SseConnection sink, out bool ended)
    {
        ended = false;
        var pos = 0;
        while (pos < input.Length)
        {
            if (_remaining > 0)
            {
                var take = (int)Math.Min(_remaining, input.Length - pos);
                sink.Feed(input.Slice(pos, take));
                pos += take;
                _remaining -= take;
                if (_remaining == 0)
                {
                    _skip = 2; // CRLF after the chunk data
                }
            }
            else if (_skip > 0)
            {
                var take = Math.Min(_skip, input.Length - pos);
                pos += take;
                _skip -= take;
            }
            else
            {
                var newline = input[pos..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }
                var size = ParseHex(input.Slice(pos, newline));
                pos += newline + 1;
                if (size == 0)
                {
                    ended = true;
                    break;
                }
                _remaining = size;
            }
        }
        return pos;
    }

    private static long ParseHex(ReadOnlySpan<byte> line)
    {
        long size = 0;
        foreach (var b in line)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                break;
            }
            size = (size * 16) + digit;
        }
        return size;
    }
}
