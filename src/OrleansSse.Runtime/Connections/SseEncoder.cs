using System.Buffers;
using System.Globalization;
using System.Text;

namespace OrleansSse.Connections;

/// <summary>
/// Encodes SSE wire bytes. An event is encoded once; the same bytes go to every connection.
/// Data is split on CR, LF and CRLF into one <c>data:</c> line each, so no payload can forge a
/// field or an event. Event names are validated upstream (<see cref="SseNames"/>) and never
/// contain line breaks; <c>event:</c> is omitted for the default name <c>message</c>.
/// </summary>
internal static class SseEncoder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>A heartbeat comment.</summary>
    public static ReadOnlyMemory<byte> Heartbeat { get; } = ": heartbeat\n\n"u8.ToArray();

    /// <summary>Encodes one event.</summary>
    public static byte[] Encode(string? id, string eventName, string data)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + data.Length + eventName.Length);
        if (!string.IsNullOrEmpty(id))
        {
            Write(buffer, "id: ");
            Write(buffer, id);
            buffer.Write("\n"u8);
        }

        if (eventName != SseEvent.DefaultName)
        {
            Write(buffer, "event: ");
            Write(buffer, eventName);
            buffer.Write("\n"u8);
        }

        WriteData(buffer, data);
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An <c>id:</c> line alone: it moves the client's last event id without an event (a block
    /// without data dispatches nothing, but its id still counts).
    /// </summary>
    public static byte[] IdOnly(string id) => Encoding.ASCII.GetBytes("id: " + id + "\n\n");

    /// <summary>The <c>retry:</c> hint (milliseconds) as its own block.</summary>
    public static byte[] Retry(int milliseconds) =>
        Encoding.ASCII.GetBytes("retry: " + milliseconds.ToString(CultureInfo.InvariantCulture) + "\n\n");

    private static void WriteData(ArrayBufferWriter<byte> buffer, string data)
    {
        var rest = data.AsSpan();
        while (true)
        {
            var br = rest.IndexOfAny('\r', '\n');
            buffer.Write("data: "u8);
            if (br < 0)
            {
                Write(buffer, rest);
                buffer.Write("\n"u8);
                return;
            }

            Write(buffer, rest[..br]);
            buffer.Write("\n"u8);
            var skip = rest[br] == '\r' && br + 1 < rest.Length && rest[br + 1] == '\n' ? 2 : 1;
            rest = rest[(br + skip)..];
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, ReadOnlySpan<char> text)
    {
        var span = buffer.GetSpan(Utf8.GetMaxByteCount(text.Length));
        buffer.Advance(Utf8.GetBytes(text, span));
    }
}
