using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansSse;

/// <summary>
/// A position in the broker's event order: <c>{epoch}-{position}</c>. The position comes from one
/// monotonic sequence per ordering domain; the epoch changes when history is lost, so a cursor
/// from another epoch cannot be resumed. This is the text of every SSE <c>id:</c> the broker
/// writes, and what <c>Last-Event-ID</c> carries back.
/// </summary>
public readonly record struct EventCursor(string Epoch, long Position)
{
    /// <summary>Longest cursor text <see cref="TryParse"/> accepts.</summary>
    public const int MaxLength = 64;

    /// <inheritdoc />
    public override string ToString() =>
        string.Concat(Epoch, "-", Position.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses <c>{epoch}-{position}</c>; the epoch is 1–32 ASCII letters or digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EventCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var dash = text.LastIndexOf('-');
        if (dash is < 1 or > 32 || dash == text.Length - 1)
        {
            return false;
        }

        var epoch = text.AsSpan(0, dash);
        foreach (var c in epoch)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        var digits = text.AsSpan(dash + 1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return false;
        }

        cursor = new EventCursor(epoch.ToString(), position);
        return true;
    }
}
