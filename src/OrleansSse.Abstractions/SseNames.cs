namespace OrleansSse;

/// <summary>
/// The rules for names the broker accepts. Client ids, group names and coalesce keys:
/// 1–<see cref="MaxKeyLength"/> characters of ASCII letters, digits and <c>-_.:@</c>, at least one
/// of them a letter or digit (<see cref="KeyRule"/>), so that no key is a URL dot segment
/// (<c>.</c>, <c>..</c>) that a path would collapse: every key can be addressed over HTTP. Event
/// names: 1–<see cref="MaxEventLength"/> printable ASCII characters without spaces (so no CR, LF or
/// NUL can forge a field), and not one of the <see cref="ReservedEvents"/>.
/// </summary>
public static class SseNames
{
    /// <summary>Longest client id or group name.</summary>
    public const int MaxKeyLength = 128;

    /// <summary>Longest event name.</summary>
    public const int MaxEventLength = 64;

    /// <summary>
    /// The rule for client ids, group names and coalesce keys in words, as refusals state it:
    /// "1-128 characters of ASCII letters, digits and -_.:@, at least one of them a letter or digit".
    /// </summary>
    public static string KeyRule { get; } =
        $"1-{MaxKeyLength} characters of ASCII letters, digits and -_.:@, at least one of them a letter or digit";

    /// <summary>
    /// Event names callers may not publish: those the broker emits itself (<c>connected</c>,
    /// <c>ai_response</c>), and <c>open</c> and <c>error</c>, which a browser's <c>EventSource</c>
    /// would hand to its own connection handlers (<c>onopen</c>, <c>onerror</c>).
    /// </summary>
    public static IReadOnlySet<string> ReservedEvents { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "connected", "ai_response", "open", "error" };

    /// <summary>Whether <paramref name="key"/> is a valid client id, group name or coalesce key (<see cref="KeyRule"/>).</summary>
    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return false;
        }

        var letterOrDigit = false;
        foreach (var c in key)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                letterOrDigit = true;
            }
            else if (c is not ('-' or '_' or '.' or ':' or '@'))
            {
                return false;
            }
        }

        return letterOrDigit;
    }

    /// <summary>Whether <paramref name="name"/> is a well-formed event name (reserved names included).</summary>
    public static bool IsValidEventName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxEventLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether callers may publish an event with this name.</summary>
    public static bool IsPublishableEventName(string? name) =>
        IsValidEventName(name) && !ReservedEvents.Contains(name!);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is valid.</summary>
    public static string ThrowIfInvalidKey(string? key, string paramName) =>
        IsValidKey(key)
            ? key!
            : throw new ArgumentException($"'{paramName}' must be {KeyRule}.", paramName);
}
