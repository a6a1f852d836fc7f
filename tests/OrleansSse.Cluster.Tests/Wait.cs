namespace OrleansSse.Cluster.Tests;

/// <summary>Timeouts and condition polling. Tests wait on events, never on fixed sleeps.</summary>
internal static class Wait
{
    /// <summary>How long any single expected thing may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> describing it otherwise.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        using var cts = new CancellationTokenSource(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {limit} for: {what}");
            }
        }
    }

    /// <summary>Waits for the server to end <paramref name="connection"/>; the timeout names <paramref name="why"/>.</summary>
    public static async Task ClosedAsync(OrleansSse.Testing.SseTestConnection connection, string why)
    {
        try
        {
            await connection.Closed.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{connection} was not ended within {Timeout}: {why}. Received: {string.Join(", ", connection.Received)}");
        }
    }

    /// <summary>A name no other test uses (client ids, groups).</summary>
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
