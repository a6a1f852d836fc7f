using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansSse.Client.Tests;

/// <summary>
/// The client's options are checked when the host starts, like the silo's: every key that cannot
/// work is named, nothing is sent and no connection is made first.
/// </summary>
public sealed class ClientOptionsValidationTests
{
    private const string Section = SseClientOptions.SectionName;

    [Theory]
    [InlineData("PublisherKeys:0", "pk", "OrleansSseClient:PublisherKeys is not a known setting")]
    [InlineData("BaseAdress", "http://127.0.0.1:1/", "OrleansSseClient:BaseAdress is not a known setting")]
    [InlineData("Retention:MaxAgee", "00:01:00", "OrleansSseClient:Retention:MaxAgee is not a known setting")]
    [InlineData("OperationTimeout", "5", "OrleansSseClient:OperationTimeout must be longer than zero and at most")]
    [InlineData("OperationTimeout", "-00:00:01", "OrleansSseClient:OperationTimeout must be longer than zero")]
    [InlineData("OperationTimeout", "soon", "OrleansSseClient:OperationTimeout")]
    [InlineData("Retention:MembershipLifetime", "00:05:00", "OrleansSseClient:Retention:MembershipLifetime must be 00:00:00")]
    [InlineData("Retention:MaxEventsPerStream", "0", "OrleansSseClient:Retention:MaxEventsPerStream must be at least 1")]
    public async Task HttpMode_BadKeyOrValue_StopsTheHostNamingTheKey(string key, string value, string expected)
    {
        var ex = await StartFailsAsync(new() { [$"{Section}:BaseAddress"] = "http://127.0.0.1:1/", [$"{Section}:{key}"] = value });

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("silo:5000")]
    [InlineData("ftp://silo/")]
    public async Task BaseAddressWithoutHttpScheme_StopsTheHostNamingTheKey(string address)
    {
        var ex = await StartFailsAsync(new() { [$"{Section}:BaseAddress"] = address });

        Assert.Contains($"OrleansSseClient:BaseAddress must be an absolute http:// or https:// URI (got '{address}')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BaseAddressWithoutHttpScheme_SetInCode_FailsTheFirstResolution()
    {
        using var services = new ServiceCollection().AddOrleansSseClient(o => o.UseHttp(new Uri("localhost:5000"))).Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ISseCluster>());

        Assert.Contains("OrleansSseClient:BaseAddress must be an absolute http:// or https:// URI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpSseCluster_HttpClientWithoutHttpScheme_ThrowsArgumentException()
    {
        using var http = new HttpClient { BaseAddress = new Uri("localhost:5000") };

        var ex = Assert.Throws<ArgumentException>(() => new HttpSseCluster(http));

        Assert.Contains("http:// or https://", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,nonsense=1", "OrleansSseClient:Redis is not a valid StackExchange.Redis configuration string")]
    [InlineData(",,,=,", "OrleansSseClient:Redis names '=', which is no host name or address")]
    [InlineData("password=secret", "OrleansSseClient:Redis names no Redis server")]
    public async Task RedisMode_UnusableConnectionString_StopsTheHostNamingTheKey(string redis, string expected)
    {
        var ex = await StartFailsAsync(new() { [$"{Section}:Redis"] = redis });

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisMode_ModeWithoutConnectionString_StopsTheHostNamingTheKey()
    {
        var ex = await StartFailsAsync(new() { [$"{Section}:Mode"] = "Redis" });

        Assert.Contains("OrleansSseClient:Redis (the connection string) is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralProblems_AreReportedTogether()
    {
        var ex = await StartFailsAsync(new()
        {
            [$"{Section}:Redis"] = "127.0.0.1:6379",
            [$"{Section}:KeyPrefx"] = "typo",
            [$"{Section}:Retention:MaxAge"] = "00:00:00",
        });

        Assert.Contains("OrleansSseClient:KeyPrefx is not a known setting", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansSseClient:Retention:MaxAge must be longer than zero", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTargetConfigured_ResolvingTheClusterSaysWhatIsMissing()
    {
        using var services = new ServiceCollection().AddOrleansSseClient(_ => { }).Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ISseCluster>());

        Assert.Contains("UseRedis", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDocumentedKey_BindsAndStarts_AndHttpModeWaitsLongerThanTheSilosBackplaneBound()
    {
        var configuration = Configuration(new()
        {
            [$"{Section}:Mode"] = "Http",
            [$"{Section}:BaseAddress"] = "http://127.0.0.1:1/",
            [$"{Section}:PublisherKey"] = "",
            [$"{Section}:Redis"] = "127.0.0.1:6379",
            [$"{Section}:KeyPrefix"] = "orleanssse",
            [$"{Section}:Retention:MaxEventsPerStream"] = "1000",
            [$"{Section}:Retention:MaxAge"] = "00:10:00",
            [$"{Section}:Retention:MembershipLifetime"] = "1.00:00:00",
        });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrleansSseClient(configuration.GetSection(Section));
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(Ids.Timeout);

        Assert.IsType<HttpSseCluster>(host.Services.GetRequiredService<ISseCluster>());
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(SseClientServiceCollectionExtensions.HttpClientName);
        Assert.Equal(SseClientOptions.DefaultHttpOperationTimeout, http.Timeout);
        Assert.True(http.Timeout > TimeSpan.FromSeconds(5), $"HTTP timeout {http.Timeout} must exceed the silos' 5 s backplane bound");
        await host.StopAsync();
    }

    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrleansSseClient(Configuration(values).GetSection(Section));
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Ids.Timeout));
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
