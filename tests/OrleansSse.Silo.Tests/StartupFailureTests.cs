using System.Net;
using System.Net.Sockets;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// The silo executable that cannot start says why in one line, with no stack trace, and exits
/// with code 1.
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnUnknownSettingIsOneLineNamingTheKeyAndExitCode1()
    {
        var (exitCode, lines) = await SiloExecutable.RunToExitAsync(
            new Dictionary<string, string> { ["OrleansSse__Limits__Bogus"] = "1" },
            ["--urls", "http://127.0.0.1:0"],
            Timeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines, l => l.Length > 0);
        Assert.StartsWith("OrleansSse silo cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Limits:Bogus", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MistakesThatUsedToStopTheSiloAloneAreToldWithTheOthers()
    {
        var (exitCode, lines) = await SiloExecutable.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["OrleansSse__Backplane__Kind"] = "Memcached",
                ["OrleansSse__TrustedProxies__0"] = "proxy.internal",
                ["OrleansSse__Limits__MaxBodyBytes"] = "0",
                ["OrleansSse__Limits__Bogus"] = "1",
                ["OrleansSse__Stream__QueueCapacity"] = "many",
                ["OrleansSse__Limits__PublishBurst"] = "0",
                ["OrleansSse__Ai__Modle"] = "x",
            },
            ["--urls", "http://127.0.0.1:0"],
            Timeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines, l => l.Length > 0);
        Assert.StartsWith("OrleansSse silo cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Backplane:Kind", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:TrustedProxies:0", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Limits:MaxBodyBytes", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Limits:Bogus", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Stream:QueueCapacity", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Limits:PublishBurst", line, StringComparison.Ordinal);
        Assert.Contains("OrleansSse:Ai:Modle", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressInUseIsOneLineAndExitCode1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, lines) = await SiloExecutable.RunToExitAsync(
            new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" },
            ["--urls", $"http://127.0.0.1:{port}"],
            Timeout);

        Assert.Equal(1, exitCode);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal));
        var line = Assert.Single(lines, l => l.StartsWith("OrleansSse silo cannot start: ", StringComparison.Ordinal));
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
    }
}
