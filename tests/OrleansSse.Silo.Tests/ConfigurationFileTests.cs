using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Silo;

namespace OrleansSse.Silo.Tests;

/// <summary>The silo reads silo.json (comments allowed); the command line overrides it.</summary>
public sealed class ConfigurationFileTests
{
    private static string RepositorySiloJson()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "silo.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "OrleansSse.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The repository's silo.json was not found above the test assembly.");
    }

    private static async Task<JsonElement> HealthOfSiloAsync(params string[] args)
    {
        await using var app = SiloApplication.Build([.. args, "--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            return await http.GetFromJsonAsync<JsonElement>("/healthz");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task TheRepositorysSiloJsonLoadsWithItsComments()
    {
        var health = await HealthOfSiloAsync("--config", RepositorySiloJson());

        // The file leaves SiloName empty, so the documented default applies.
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", health.GetProperty("silo").GetString());
    }

    [Fact]
    public async Task CommandLineOverridesTheFile()
    {
        var health = await HealthOfSiloAsync("--config", RepositorySiloJson(), "--OrleansSse:SiloName", "from-command-line");

        Assert.Equal("from-command-line", health.GetProperty("silo").GetString());
    }

    [Fact]
    public void ANamedConfigFileThatDoesNotExistStopsTheSilo()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "silo.json");

        Assert.ThrowsAny<Exception>(() => SiloApplication.Build(["--config", missing]));
    }

    [Theory]
    [InlineData("OrleansSse:Stream:HeartbeatInterval", "00:00:00", "HeartbeatInterval")]
    [InlineData("OrleansSse:Stream:QueueCapacity", "0", "QueueCapacity")]
    [InlineData("OrleansSse:Stream:WriteStallTimeout", "-00:00:01", "WriteStallTimeout")]
    [InlineData("OrleansSse:Stream:WriteStallTimeout", "2.00:00:00", "WriteStallTimeout")]
    [InlineData("OrleansSse:Retention:MaxEventsPerStream", "0", "MaxEventsPerStream")]
    [InlineData("OrleansSse:Limits:MaxConnections", "-1", "MaxConnections")]
    [InlineData("OrleansSse:Auth:SubscriberSigningKey", "a-misspelt-key", "SubscriberSigningKey")]
    [InlineData("OrleansSse:Limits:MaxConections", "5", "MaxConections")]
    [InlineData("OrleansSse:SiloNmae", "silo-x", "OrleansSse:SiloNmae")]
    [InlineData("OrleansSse:Backplane:Redsi", "127.0.0.1:6379", "OrleansSse:Backplane:Redsi")]
    [InlineData("OrleansSse:Ai:Modle", "gpt", "OrleansSse:Ai:Modle")]
    [InlineData("OrleansSse:Limits:PublishBurst", "0", "PublishBurst")]
    [InlineData("OrleansSse:Limits:MaxConnectionLifetime", "-00:00:01", "MaxConnectionLifetime")]
    [InlineData("OrleansSse:Limits:MaxConnectionLifetime", "400.00:00:00", "MaxConnectionLifetime")]
    [InlineData("OrleansSse:Retention:MembershipLifetime", "00:09:59", "Retention:MembershipLifetime")]
    [InlineData("OrleansSse:Retention:MembershipLifetime", "-00:00:01", "Retention:MembershipLifetime")]
    [InlineData("OrleansSse:Retention:MembershipLifetime", "366.00:00:00", "Retention:MembershipLifetime")]
    [InlineData("OrleansSse:Ai:OnlineCheckEveryTokens", "0", "OnlineCheckEveryTokens")]
    [InlineData("OrleansSse:Ai:TokenDelay", "fast", "OrleansSse:Ai:TokenDelay")]
    [InlineData("OrleansSse:Ai:MaxAnswerDuration", "00:00:00", "MaxAnswerDuration")]
    [InlineData("OrleansSse:Ai:MaxConcurrentAnswers", "-1", "MaxConcurrentAnswers")]
    [InlineData("OrleansSse:Limits:MaxBodyBytes", "1MB", "OrleansSse:Limits:MaxBodyBytes")]
    [InlineData("OrleansSse:InlineSocketScheduling", "maybe", "OrleansSse:InlineSocketScheduling")]
    [InlineData("OrleansSse:Backplane:Kind", "Memcached", "Memcached")]
    [InlineData("OrleansSse:Backplane:Kind", "Redis", "OrleansSse:Backplane:Redis")]
    [InlineData("OrleansSse:TrustedProxies:0", "proxy.internal", "OrleansSse:TrustedProxies:0")]
    [InlineData("OrleansSse:Auth:PublisherKeys:0", "x", "OrleansSse:Auth:PublisherKeys:0")]
    public async Task AValueThatCannotWorkOrAMisspeltKeyStopsTheSiloNamingTheKey(string key, string value, string named)
    {
        await using var app = SiloApplication.Build([$"--{key}", value, "--urls", "http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OrleansSse:Limits:MaxConnectionLifetime", "")]
    [InlineData("OrleansSse:Limits:MaxConnectionLifetime", "00:00:00")]
    [InlineData("OrleansSse:Limits:PublishEventsPerSecond", "0")]
    [InlineData("OrleansSse:Retention:MembershipLifetime", "00:00:00")]
    [InlineData("OrleansSse:Retention:MembershipLifetime", "00:10:00")]
    [InlineData("ORLEANSSSE:backplane:keyprefix", "any-case")]
    [InlineData("OrleansSse:Ai:BaseUrl", "http://127.0.0.1:8000/v1")]
    [InlineData("OrleansSse:Ai:MaxConcurrentAnswers", "0")]
    public async Task DocumentedValuesStillStart(string key, string value)
    {
        var health = await HealthOfSiloAsync("--config", RepositorySiloJson(), $"--{key}", value);

        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnEmptySiloNameFallsBackToMachineAndProcess()
    {
        var health = await HealthOfSiloAsync("--OrleansSse:SiloName", "");

        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", health.GetProperty("silo").GetString());
    }

    [Fact]
    public async Task EveryMistakeInEverySectionIsReportedByOneStart()
    {
        await using var app = SiloApplication.Build([
            "--OrleansSse:Backplane:Kind", "Redis", // and no connection string
            "--OrleansSse:TrustedProxies:0", "10.0.0.0/8",
            "--OrleansSse:TrustedProxies:1", "proxy.internal",
            "--OrleansSse:Limits:MaxBodyBytes", "0",
            "--OrleansSse:Limits:MaxConections", "5",
            "--OrleansSse:Stream:HeartbeatInterval", "soon",
            "--OrleansSse:Stream:QueueCapacity", "0",
            "--OrleansSse:Cors:AllowedOrigins:0", "not an origin",
            "--OrleansSse:Ai:Modle", "gpt",
            "--urls", "http://127.0.0.1:0",
        ]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        foreach (var named in (string[])[
            "OrleansSse:Backplane:Redis", "OrleansSse:TrustedProxies:1", "OrleansSse:Limits:MaxBodyBytes", "OrleansSse:Limits:MaxConections",
            "OrleansSse:Stream:HeartbeatInterval", "OrleansSse:Stream:QueueCapacity", "OrleansSse:Cors:AllowedOrigins", "OrleansSse:Ai:Modle"])
        {
            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("TrustedProxies:0", error.Message, StringComparison.Ordinal);
    }
}
