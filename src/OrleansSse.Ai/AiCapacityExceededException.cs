namespace OrleansSse.Ai;

/// <summary>
/// <see cref="AiStreamingService.StartAsync"/> refused a prompt: <see cref="AiOptions.MaxConcurrentAnswers"/>
/// answers are running on this silo and the prompt's client has none to replace. Nothing was
/// started; try again later (the HTTP endpoint answers <c>503</c> with <c>Retry-After</c>).
/// </summary>
public sealed class AiCapacityExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AiCapacityExceededException(int limit)
        : base($"{limit} AI answers are running on this silo, its limit; try again later.")
    {
        Limit = limit;
    }

    /// <summary>The limit that was reached (<see cref="AiOptions.MaxConcurrentAnswers"/>).</summary>
    public int Limit { get; }
}
