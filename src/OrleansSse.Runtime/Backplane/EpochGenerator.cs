using System.Security.Cryptography;

namespace OrleansSse.Backplane;

/// <summary>Makes epochs: 8 random lowercase base-36 characters.</summary>
public static class EpochGenerator
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random epoch.</summary>
    public static string NewEpoch() => RandomNumberGenerator.GetString(Alphabet, 8);
}
