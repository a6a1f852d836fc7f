using System.Text;

namespace OrleansSse;

/// <summary>
/// The subscriber token, in one place: an HMAC-signed JWT (compact JWS) whose <c>sub</c> claim is
/// the client id, whose optional <c>groups</c> claim (a JSON array of strings) lists the groups the
/// client may join on connect (absent: none; <see cref="AnyGroup"/>: any), and whose <c>exp</c> claim is required: the silo ends the stream no
/// later than it. Only <see cref="Algorithms"/> are accepted; <c>alg: none</c> and asymmetric
/// algorithms are refused. Signing keys are the UTF-8 bytes of a configured string, at least
/// <see cref="MinKeyBytes"/> bytes long.
/// </summary>
public static class SubscriberTokenFormat
{
    /// <summary>The claim holding the client id (required).</summary>
    public const string ClientIdClaim = "sub";

    /// <summary>The claim holding the groups the client may join on connect (optional array; absent: none).</summary>
    public const string GroupsClaim = "groups";

    /// <summary>The <see cref="GroupsClaim"/> entry that allows joining any group on connect.</summary>
    public const string AnyGroup = "*";

    /// <summary>The algorithm the issuer signs with.</summary>
    public const string SigningAlgorithm = "HS256";

    /// <summary>The smallest signing key, in bytes (the HS256 output size).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The query parameter that may carry the token, when the silo allows it.</summary>
    public const string QueryParameter = "access_token";

    /// <summary>The cookie name the silo reads by default.</summary>
    public const string DefaultCookieName = "orleanssse_token";

    /// <summary>The only algorithms a silo accepts.</summary>
    public static IReadOnlyList<string> Algorithms { get; } = ["HS256", "HS384", "HS512"];

    /// <summary>The key bytes for a configured key string (its UTF-8 encoding).</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyBytes"/> bytes.</exception>
    public static byte[] KeyBytes(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encoding.UTF8.GetBytes(key);
        return bytes.Length >= MinKeyBytes
            ? bytes
            : throw new ArgumentException($"A subscriber signing key must be at least {MinKeyBytes} bytes (UTF-8).", nameof(key));
    }
}
