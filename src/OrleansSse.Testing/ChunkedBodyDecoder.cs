using System.Buffers;
using System.Globalization;
using System.Text;

namespace OrleansSse.Testing;

/// <summary>
/// Turns the bytes of an HTTP/1.1 response, fed in any pieces, into its body: skips the status
/// line and headers, then removes chunked transfer coding (or passes the body through when the
/// response is not chunked). For tests that read a stream on a raw socket.
/// </summary>
internal sealed class ChunkedBodyDecoder
{
    private readonly ArrayBufferWriter<byte> _raw = new();
    private readonly ArrayBufferWriter<byte> _body = new();
    private int _parsed;
    private bool? _chunked;
    private bool _ended;

    /// <summary>The body decoded so far.</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>Adds received bytes and decodes what they complete.</summary>
    public void Add(ReadOnlySpan<byte> bytes)
    {
        _raw.Write(bytes);
        var raw = _raw.WrittenSpan;
        if (_chunked is null)
        {
            var end = raw.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return;
            }

            var headers = Encoding.ASCII.GetString(raw[..end]);
            _chunked = headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
            _parsed = end + 4;
        }

        while (!_ended && _parsed < raw.Length)
        {
            if (_chunked == false)
            {
                _body.Write(raw[_parsed..]);
                _parsed = raw.Length;
                return;
            }

            var line = raw[_parsed..].IndexOf("\r\n"u8);
            if (line < 0)
            {
                return;
            }

            var sizeText = Encoding.ASCII.GetString(raw.Slice(_parsed, line)).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var start = _parsed + line + 2;
            if (raw.Length - start < size + 2)
            {
                return;
            }

            _body.Write(raw.Slice(start, size));
            _parsed = start + size + 2;
            _ended = size == 0;
        }
    }
}
