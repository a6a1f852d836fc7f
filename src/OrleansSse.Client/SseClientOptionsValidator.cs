using System.Net;
using Microsoft.Extensions.Options;
using OrleansSse.Configuration;
using StackExchange.Redis;

namespace OrleansSse.Client;

/// <summary>
/// Refuses client options that cannot work, at host start (<c>ValidateOnStart</c>) or, without a
/// host, when <see cref="ISseCluster"/> is first resolved: every failure names its key under
/// <see cref="SseClientOptions.SectionName"/>, and one start reports all of them (as the silo does).
/// A key in the bound section that no option reads is refused by the shared section check.
/// </summary>
internal sealed class SseClientOptionsValidator : IValidateOptions<SseClientOptions>
{
    private const string Section = SseClientOptions.SectionName;

    public const string NoTarget =
        $"The OrleansSse client has no target: call UseRedis(...) or UseHttp(...), or set {Section}:Redis or {Section}:BaseAddress.";

    public ValidateOptionsResult Validate(string? name, SseClientOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        switch (options.InferMode())
        {
            case null:
                failures.Add(NoTarget);
                break;
            case SseClientMode.Redis:
                CheckRedis(options, failures);
                break;
            case SseClientMode.Http:
                if (!IsHttpAddress(options.BaseAddress))
                {
                    failures.Add(BadBaseAddress($"{Section}:BaseAddress", options.BaseAddress));
                }

                break;
            case var other:
                failures.Add($"{Section}:Mode must be Http or Redis, not '{other}'.");
                break;
        }

        if (options.OperationTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > SseClientOptions.LongestOperationTimeout))
        {
            failures.Add($"{Section}:OperationTimeout must be longer than zero and at most {SseClientOptions.LongestOperationTimeout:c} (got {timeout:c}).");
        }

        if (options.Retention is null)
        {
            failures.Add($"{Section}:Retention must not be null.");
        }
        else
        {
            failures.AddRange(RetentionChecks.Failures(options.Retention, $"{Section}:Retention"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="address"/> is an absolute <c>http://</c> or <c>https://</c> URI.</summary>
    public static bool IsHttpAddress(Uri? address) =>
        address is { IsAbsoluteUri: true, Scheme: "http" or "https" };

    /// <summary>The refusal of a base address that is not an absolute http(s) URI.</summary>
    public static string BadBaseAddress(string what, Uri? address) =>
        $"{what} must be an absolute http:// or https:// URI (got '{address?.OriginalString}').";

    private static void CheckRedis(SseClientOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            failures.Add($"The OrleansSse client is in Redis mode but {Section}:Redis (the connection string) is empty.");
        }
        else
        {
            try
            {
                var endPoints = ConfigurationOptions.Parse(options.Redis).EndPoints;
                if (endPoints.Count == 0)
                {
                    failures.Add($"{Section}:Redis names no Redis server (expected host:port, e.g. 127.0.0.1:6379, then options).");
                }

                foreach (var host in endPoints.OfType<DnsEndPoint>().Select(e => e.Host).Where(h => Uri.CheckHostName(h) == UriHostNameType.Unknown))
                {
                    failures.Add($"{Section}:Redis names '{host}', which is no host name or address (expected host:port, e.g. 127.0.0.1:6379, then options).");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                failures.Add($"{Section}:Redis is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            failures.Add($"{Section}:KeyPrefix must be non-empty and contain no braces (it must equal the silos' OrleansSse:Backplane:KeyPrefix).");
        }
    }
}
