using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// The StackExchange.Redis configuration of a backplane: every option the configuration string sets
/// wins; where it is silent the backplane sets <c>abortConnect=false</c>, connect, sync and response
/// timeouts of <see cref="RedisBackplaneOptions.OperationTimeout"/>, a linear reconnect policy and
/// its client name.
/// </summary>
internal static class RedisClientConfiguration
{
    /// <summary>The client configuration: the string as written, plus the backplane's defaults where it is silent.</summary>
    public static ConfigurationOptions Build(RedisBackplaneOptions options)
    {
        var text = options.Configuration;
        var configuration = ConfigurationOptions.Parse(text);
        var timeout = (int)Math.Clamp(options.OperationTimeout.TotalMilliseconds, 100, int.MaxValue);
        if (!Mentions(text, "abortConnect"))
        {
            configuration.AbortOnConnectFail = false;
        }

        if (!Mentions(text, "connectTimeout"))
        {
            configuration.ConnectTimeout = timeout;
        }

        if (!Mentions(text, "syncTimeout"))
        {
            configuration.SyncTimeout = timeout;
        }

        if (!Mentions(text, "responseTimeout"))
        {
            configuration.ResponseTimeout = timeout;
        }

        configuration.ReconnectRetryPolicy ??= new LinearRetry(500);
        configuration.ClientName ??= "orleanssse";
        return configuration;
    }

    /// <summary>The bound on each operation: the operation timeout, or a longer sync or response timeout of the client.</summary>
    public static TimeSpan EffectiveTimeout(TimeSpan operationTimeout, ConfigurationOptions configuration) =>
        TimeSpan.FromMilliseconds(Math.Max(operationTimeout.TotalMilliseconds, Math.Max(configuration.SyncTimeout, configuration.ResponseTimeout)));

    private static bool Mentions(string text, string option) =>
        text.Contains(option + "=", StringComparison.OrdinalIgnoreCase);
}
