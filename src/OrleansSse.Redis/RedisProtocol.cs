using System.Globalization;
using System.Text;
using OrleansSse.Backplane;

namespace OrleansSse.Redis;

/// <summary>
/// The live-message wire format on the backplane channels.
/// </summary>
/// <remarks>
/// Version 2. A message is a sequence of fields, each <c>{byte length}:{bytes}</c> (UTF-8, no
/// separators): version (<c>2</c>), kind (<see cref="MessageKind"/> as a number), position,
/// epoch, target kind (<see cref="TargetKind"/> as a number), target key, name, data, and (since
/// version 2) the coalesce key (empty: none). Version 1 is the first eight fields: a message
/// without the ninth has no coalesce key. Kind 4 (<see cref="MessageKind.Watermark"/>) is newer than
/// both: a silo of a release before it logs the watermarks it receives as malformed and drops them,
/// which costs nothing but the log line.
/// Compatibility rule: a later version only appends fields at the end and keeps the meaning of
/// the earlier ones; readers ignore fields they do not know, so silos of different versions can
/// share one Redis during a rolling upgrade. Stored data follows the same rule: new keys or fields
/// are added next to the old ones, and data written without them stays readable (memberships
/// without a join position, see <see cref="RedisKeys"/>, count from position 0). The Lua scripts (<c>Scripts/common.lua</c>) write
/// it; <see cref="Encode"/> mirrors them for tests.
/// </remarks>
internal static class RedisProtocol
{
    public const int Version = 2;
    private const int RequiredFields = 8; // version 1
    private const int KnownFields = 9;

    /// <summary>Encodes a message exactly as the Lua scripts do.</summary>
    public static byte[] Encode(BackplaneMessage message)
    {
        var builder = new StringBuilder();
        Append(builder, Version.ToString(CultureInfo.InvariantCulture));
        Append(builder, ((int)message.Kind).ToString(CultureInfo.InvariantCulture));
        Append(builder, message.Position.ToString(CultureInfo.InvariantCulture));
        Append(builder, message.Epoch);
        Append(builder, ((int)message.Target.Kind).ToString(CultureInfo.InvariantCulture));
        Append(builder, message.Target.Key);
        Append(builder, message.Name);
        Append(builder, message.Data);
        Append(builder, message.CoalesceKey ?? "");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Decodes a message; false when it is malformed or of an unknown earlier shape.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out BackplaneMessage? message)
    {
        message = null;
        Span<Range> fields = stackalloc Range[KnownFields];
        var offset = 0;
        var count = 0;
        for (var i = 0; i < KnownFields; i++)
        {
            if (i == RequiredFields && offset == bytes.Length)
            {
                break; // version 1: no coalesce key
            }

            var colon = bytes[offset..].IndexOf((byte)':');
            if (colon <= 0 || !TryParseNumber(bytes.Slice(offset, colon), out var length))
            {
                return false;
            }

            var start = offset + colon + 1;
            if (length > bytes.Length - start)
            {
                return false;
            }

            fields[i] = new Range(start, start + (int)length);
            offset = start + (int)length;
            count++;
        }

        // Anything after the known fields belongs to a later version: ignored.
        if (!TryParseNumber(bytes[fields[0]], out var version) || version < 1 ||
            !TryParseNumber(bytes[fields[1]], out var kind) || kind > (long)MessageKind.Watermark ||
            !TryParseNumber(bytes[fields[2]], out var position) ||
            !TryParseNumber(bytes[fields[4]], out var targetKind) ||
            targetKind is < (long)TargetKind.Client or > (long)TargetKind.All)
        {
            return false;
        }

        var target = new SseTarget((TargetKind)targetKind, Encoding.UTF8.GetString(bytes[fields[5]]));
        message = new BackplaneMessage(
            target,
            (MessageKind)kind,
            position,
            Encoding.UTF8.GetString(bytes[fields[3]]),
            Encoding.UTF8.GetString(bytes[fields[6]]),
            Encoding.UTF8.GetString(bytes[fields[7]]),
            count > RequiredFields && !bytes[fields[RequiredFields]].IsEmpty ? Encoding.UTF8.GetString(bytes[fields[RequiredFields]]) : null);
        return true;
    }

    private static void Append(StringBuilder builder, string value) =>
        builder.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);

    private static bool TryParseNumber(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
