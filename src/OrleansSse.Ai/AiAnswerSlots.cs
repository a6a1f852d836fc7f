namespace OrleansSse.Ai;

/// <summary>
/// Counts the answers running on this silo against <see cref="AiOptions.MaxConcurrentAnswers"/>:
/// one slot per client with a running answer, taken before the answer is registered and given
/// back when its registration is removed (a replacing answer inherits its predecessor's slot).
/// </summary>
internal sealed class AiAnswerSlots(int limit)
{
    private int _taken;
    private long _refused;

    /// <summary>The most slots; 0: no limit.</summary>
    public int Limit { get; } = limit;

    /// <summary>Slots taken now: the running answers.</summary>
    public int Taken => Volatile.Read(ref _taken);

    /// <summary>Prompts refused because every slot was taken, since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Takes a slot; false (and counted as refused) when all are taken.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _taken);
            if (Limit > 0 && taken >= Limit)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }

            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }

    public void Release() => Interlocked.Decrement(ref _taken);
}
