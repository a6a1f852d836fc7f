namespace OrleansSse.LoadGen;

/// <summary>A growable bit set of received sequence numbers, to count duplicates and losses exactly.</summary>
internal sealed class SeenSet
{
    private ulong[] _bits = new ulong[4];

    /// <summary>Marks <paramref name="sequence"/>; false when it was already marked (a duplicate).</summary>
    public bool Add(long sequence)
    {
        if (sequence < 0)
        {
            return true;
        }
        var word = (int)(sequence >> 6);
        if (word >= _bits.Length)
        {
            Array.Resize(ref _bits, Math.Max(word + 1, _bits.Length * 2));
        }
        var mask = 1UL << (int)(sequence & 63);
        if ((_bits[word] & mask) != 0)
        {
            return false;
        }
        _bits[word] |= mask;
        return true;
    }
}
