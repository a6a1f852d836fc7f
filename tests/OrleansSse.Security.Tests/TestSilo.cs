using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSse.Silo;

namespace OrleansSse.Security.Tests;

/// <summary>One real silo on Kestrel at 127.0.0.1:&lt;free port&gt;, configured in memory, with its logs captured.</summary>
internal sealed partial class TestSilo : IAsyncDisposable
{
    public const string PublisherKey = "publisher-key-one-0123456789";
    public const string PublisherKey2 = "publisher-key-two-0123456789";
    public const string SigningKey = "subscriber-signing-key-0123456789abcdef";
    public const string SigningKey2 = "subscriber-signing-key-two-0123456789abcdef-long-enough-for-hs512";

    private TestSilo(WebApplication app, Uri address, LogCapture logs)
    {
        App = app;
        Address = address;
        Logs = logs;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public LogCapture Logs { get; }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Http { get; }

    /// <summary>Publisher keys and a subscriber signing key configured.</summary>
    public static Dictionary<string, string?> Secure(params (string Key, string? Value)[] extra)
    {
        var config = new Dictionary<string, string?>
        {
            ["OrleansSse:Auth:PublisherKeys:0"] = PublisherKey,
            ["OrleansSse:Auth:PublisherKeys:1"] = PublisherKey2,
            ["OrleansSse:Auth:SubscriberSigningKeys:0"] = SigningKey,
            ["OrleansSse:Auth:SubscriberSigningKeys:1"] = SigningKey2,
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Starts a silo with <paramref name="config"/>; <paramref name="time"/> replaces its clock.</summary>
    public static async Task<TestSilo> StartAsync(Dictionary<string, string?>? config = null, TimeProvider? time = null)
    {
        var logs = new LogCapture();
        var app = Build(config, logs, time);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestSilo(app, new Uri(address), logs);
    }

    /// <summary>Builds (without starting) a silo with <paramref name="config"/>.</summary>
    public static WebApplication Build(Dictionary<string, string?>? config, LogCapture logs, TimeProvider? time = null) =>
        SiloApplication.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(config ?? []);
            b.Logging.ClearProviders();
            b.Logging.AddProvider(logs);
            if (time is not null)
            {
                b.Services.AddSingleton(time);
            }
        });

    /// <summary>A request carrying <c>Authorization: Bearer <paramref name="key"/></c>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? key = PublisherKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) =>
        await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Publishes <c>{"client_id","event","data"}</c> with a valid publisher key and expects 202.</summary>
    public async Task SendAsync(string clientId, string eventName, string data, string? key = PublisherKey)
    {
        using var response = await SendAsync(Request(HttpMethod.Post, "/api/sse/send",
            $$"""{"client_id":"{{clientId}}","event":"{{eventName}}","data":"{{data}}"}""", key));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Opens <c>GET /api/sse</c> with <paramref name="query"/> and an optional bearer token.</summary>
    public Task<SseStream> OpenStreamAsync(string query, string? token = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sse" + query);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return SseStream.OpenAsync(Http, request);
    }

    /// <summary>The <c>orleanssse_events_published_total</c> counter from <c>/metrics</c>.</summary>
    public async Task<long> PublishedTotalAsync()
    {
        var text = await Http.GetStringAsync("/metrics").WaitAsync(TimeSpan.FromSeconds(15));
        var match = PublishedRegex().Match(text);
        Assert.True(match.Success, "metrics lack orleanssse_events_published_total");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }

    [GeneratedRegex(@"^orleanssse_events_published_total (\d+)$", RegexOptions.Multiline)]
    private static partial Regex PublishedRegex();
}
