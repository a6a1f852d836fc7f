using System.Net;
using OrleansSse.Testing;
using OrleansSse.Tests;

namespace OrleansSse.Client.Tests;

/// <summary>
/// A subscriber token's <c>exp</c> is checked on the silos' clock (<see cref="SseTestClusterOptions.Time"/>),
/// so a test clock and an issuer on the same clock move token expiry by hand.
/// </summary>
public sealed class TokenClockTests
{
    private const string SigningKey = "subscriber-signing-key-for-clock-tests-0123456789";

    [Fact]
    public async Task ATokenFromTheSilosClock_OpensTheStream_UntilThatClockPassesItsExp()
    {
        // A day behind the system clock: on the system clock this token expired long ago.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));
        await using var silos = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Time = clock,
            Settings =
            {
                ["OrleansSse:Auth:SubscriberSigningKeys:0"] = SigningKey,
                ["OrleansSse:Auth:AllowTokenInQuery"] = "true",
            },
        });
        var token = new SubscriberTokenIssuer(SigningKey, timeProvider: clock).Issue("alice", TimeSpan.FromHours(1));
        var path = SseTestCluster.StreamPath("alice") + "&access_token=" + Uri.EscapeDataString(token);

        await using (var open = await silos.ConnectPathAsync(0, path))
        {
            Assert.True(open.StatusCode == HttpStatusCode.OK, $"{(int)open.StatusCode} {open.ErrorBody}");
            Assert.Equal("alice", open.Connected?.ClientId);
        }

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await using var refused = await silos.ConnectPathAsync(0, path);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("expired", refused.ErrorBody, StringComparison.Ordinal);
    }
}
