using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// The configured publisher keys, kept as SHA-256 digests. A presented key is hashed and compared
/// with every digest in constant time (no early exit, equal-length inputs), so neither the
/// content nor the length of a valid key leaks through timing.
/// </summary>
internal sealed class PublisherKeyRing
{
    private readonly byte[][] _digests;

    public PublisherKeyRing(IOptions<AuthOptions> options)
    {
        _digests = [.. options.Value.PublisherKeys.Where(k => !string.IsNullOrEmpty(k)).Select(Digest)];
    }

    /// <summary>Whether any key is configured (otherwise publishing is open).</summary>
    public bool Required => _digests.Length > 0;

    /// <summary>The index of the matching key, or -1.</summary>
    public int Match(string presented)
    {
        var digest = Digest(presented);
        var found = -1;
        for (var i = 0; i < _digests.Length; i++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(digest, _digests[i]);
            found = equal && found < 0 ? i : found;
        }

        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
