using System.Net;
using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary><see cref="HttpSseCluster"/> against a silo that requires a publisher key, and tokens from <see cref="SubscriberTokenIssuer"/>.</summary>
public sealed class SecuredSiloTests : IAsyncLifetime
{
    private const string PublisherKey = "publisher-key-for-client-tests";
    private const string SigningKey = "subscriber-signing-key-for-client-tests-0123456789";
    private SseTestCluster _silos = null!;

    public async Task InitializeAsync() =>
        _silos = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Auth:PublisherKeys:0"] = PublisherKey,
                ["OrleansSse:Auth:SubscriberSigningKeys:0"] = SigningKey,
                ["OrleansSse:Auth:AllowTokenInQuery"] = "true",
            },
        });

    public Task DisposeAsync() => _silos.DisposeAsync().AsTask();

    [Fact]
    public async Task WithTheKey_PublishesToAClientHoldingAnIssuedToken()
    {
        var alice = Ids.New("alice");
        var token = new SubscriberTokenIssuer(SigningKey).Issue(alice, TimeSpan.FromMinutes(5));
        await using var stream = await _silos.ConnectPathAsync(0, SseTestCluster.StreamPath(alice) + "&access_token=" + Uri.EscapeDataString(token));
        Assert.Equal(alice, stream.Connected?.ClientId);
        using var http = new HttpClient { BaseAddress = _silos.Silos[0].BaseAddress };

        var sent = await new HttpSseCluster(http, PublisherKey).GetClient(alice).SendAsync(SseEvent.Message("authorized"));

        Assert.Equal(sent.Id, (await stream.NextAsync(Ids.Timeout)).Id);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key", HttpStatusCode.Forbidden)]
    public async Task WithoutTheRightKey_ThrowsSseClientExceptionWithTheStatus(string? key, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = _silos.Silos[0].BaseAddress };

        var ex = await Assert.ThrowsAsync<SseClientException>(
            () => new HttpSseCluster(http, key).GetBroadcast().SendAsync(SseEvent.Message("refused")));

        Assert.Equal(expected, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.Detail));
    }
}
