namespace OrleansSse.Silo.Tests;

/// <summary>Timeouts and condition polling. Tests wait on events, never on fixed sleeps.</summary>
internal static class Wait
{
    /// <summary>How long any single expected thing may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> describing it otherwise.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        using var cts = new CancellationTokenSource(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {limit} for: {what}");
            }
        }
    }
}
