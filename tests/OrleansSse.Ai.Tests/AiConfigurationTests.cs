using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Grains;

namespace OrleansSse.Ai.Tests;

public sealed class AiConfigurationTests
{
    [Fact]
    public void DefaultsSelectTheSimulatedModel()
    {
        using var services = Build(new Dictionary<string, string?>());

        var options = services.GetRequiredService<IOptions<AiOptions>>().Value;
        Assert.Equal(AiProvider.Simulated, options.Provider);
        Assert.Equal(4000, options.MaxPromptLength);
        Assert.Equal(TimeSpan.FromMilliseconds(30), options.TokenDelay);
        Assert.Equal(TimeSpan.FromSeconds(100), options.UpstreamTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxAnswerDuration);
        Assert.Equal(1000, options.MaxConcurrentAnswers);
        Assert.IsType<SimulatedChatClient>(services.GetRequiredKeyedService<IChatClient>(AiServiceCollectionExtensions.ChatClientKey));
    }

    [Fact]
    public async Task OpenAiProviderWithoutBaseUrlFailsAtStart()
    {
        await using var app = CreateApp(new Dictionary<string, string?> { ["OrleansSse:Ai:Provider"] = "OpenAi", ["OrleansSse:Ai:Model"] = "m" });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("BaseUrl", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OrleansSse:Ai:Modle", "m", "Modle")]
    [InlineData("OrleansSse:Ai:OnlineCheckEveryTokens", "0", "OnlineCheckEveryTokens")]
    [InlineData("OrleansSse:Ai:MaxAnswerDuration", "00:00:00", "MaxAnswerDuration")]
    [InlineData("OrleansSse:Ai:MaxAnswerDuration", "2.00:00:00", "MaxAnswerDuration")]
    [InlineData("OrleansSse:Ai:MaxAnswerDuration", "soon", "OrleansSse:Ai:MaxAnswerDuration")]
    [InlineData("OrleansSse:Ai:MaxConcurrentAnswers", "-1", "MaxConcurrentAnswers")]
    [InlineData("OrleansSse:Ai:UpstreamTimeout", "2.00:00:00", "UpstreamTimeout")]
    public async Task AnUnknownKeyOrAValueThatCannotWorkFailsAtStartNamingTheKey(string key, string value, string named)
    {
        await using var app = CreateApp(new Dictionary<string, string?> { [key] = value });

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredOpenAiEndpointAnswersThroughTheHttpEndpoint()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync(200, [FakeOpenAiUpstream.Chunk("from "), FakeOpenAiUpstream.Chunk("upstream")]);
        var backplane = new InMemoryBackplane();
        await using var app = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["OrleansSse:Ai:Provider"] = "OpenAi",
                    ["OrleansSse:Ai:BaseUrl"] = upstream.BaseUrl,
                    ["OrleansSse:Ai:Model"] = "fake-model",
                    ["OrleansSse:Ai:ApiKey"] = "configured-key",
                });
                builder.Services.AddSingleton<ISseCluster>(TestServices.AiCluster(backplane));
                builder.Services.AddOrleansSseAi(builder.Configuration);
            },
            app => app.MapOrleansSseAi());
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "cfg-1");
        using var http = new HttpClient { BaseAddress = app.Address };

        using var response = await http.PostAsJsonAsync("/api/ai/stream-chat", new { prompt = "hi", client_id = "cfg-1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("from upstream", string.Concat((await recorder.UntilDoneAsync()).Select(e => e.Content)));
        Assert.Equal("Bearer configured-key", Assert.Single(upstream.Requests).Authorization);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISseCluster>(TestServices.AiCluster(new InMemoryBackplane()));
        services.AddOrleansSseAi(configuration);
        return services.BuildServiceProvider();
    }

    private static WebApplication CreateApp(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<ISseCluster>(TestServices.AiCluster(new InMemoryBackplane()));
        builder.Services.AddOrleansSseAi(builder.Configuration);
        return builder.Build();
    }
}
