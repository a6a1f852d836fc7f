using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using OrleansSse.Security.Tests;
using OrleansSse.Silo.Hosting;
using OrleansSse.Testing;
using OrleansSse.Tests;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Memberships lapse once their client stayed away for <c>Retention:MembershipLifetime</c>; the
/// silo holding a client's stream keeps its memberships alive. The silos' clock moves by hand.
/// </summary>
public sealed class MembershipLapseTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    [Fact]
    public async Task AnOnlineClientKeepsItsMembershipsPastTheLifetimeAndLosesThemALifetimeAfterLeaving()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Silos = 2,
            Time = clock,
            Settings = { ["OrleansSse:Retention:MembershipLifetime"] = "01:00:00" },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        var refresher = cluster.Silos[1].Services.GetRequiredService<MembershipRefresher>();
        var online = await cluster.ConnectAsync(1, "online", groups: ["room"]);
        await api.AddToGroupAsync("room", "away");
        Assert.Equal(TimeSpan.FromMinutes(15), refresher.Interval);

        // Past the refresh interval: silo 1 refreshes its client; then past the lifetime of the joins.
        clock.Advance(Lifetime * 2 / 3);
        await PassAsync(refresher, clock.GetUtcNow());
        clock.Advance(Lifetime * 2 / 3);

        Assert.Equal(["online"], Clients(await api.GetJsonAsync("/api/sse/groups/room")));
        Assert.Empty(Groups(await api.GetJsonAsync("/api/sse/clients/away")));
        Assert.Equal(["room"], Groups(await api.GetJsonAsync("/api/sse/clients/online")));
        var sent = await api.GroupSendAsync("room", "still a member");
        Assert.Equal(new SseTestEvent("message", "still a member", sent), await online.NextAsync(Wait.Timeout));

        // Gone a lifetime after its stream closed (every refresh came before it closed).
        await online.DisposeAsync();
        await Wait.UntilAsync(async () => (await api.GetJsonAsync("/healthz"))["connections"]!.GetValue<int>() == 0
            && (await new SiloApi(cluster.Silos[1].Http).GetJsonAsync("/healthz"))["connections"]!.GetValue<int>() == 0, "the stream closed");
        clock.Advance(Lifetime + TimeSpan.FromSeconds(1));

        Assert.Empty(Clients(await api.GetJsonAsync("/api/sse/groups/room")));
        Assert.Empty(Groups(await api.GetJsonAsync("/api/sse/clients/online")));
    }

    [Fact]
    public async Task AClientComingBackJustBeforeItsMembershipsLapseIsRefreshedAtConnect()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Time = clock,
            Settings = { ["OrleansSse:Retention:MembershipLifetime"] = "01:00:00" },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        var refresher = cluster.Silos[0].Services.GetRequiredService<MembershipRefresher>();
        await api.AddToGroupAsync("room", "back");
        await PassAsync(refresher, clock.GetUtcNow());

        clock.Advance(Lifetime - TimeSpan.FromMinutes(1));
        var refreshed = refresher.Refreshed;
        await using var back = await cluster.ConnectAsync(0, "back");
        await Wait.UntilAsync(() => Task.FromResult(refresher.Refreshed > refreshed), "the connected client refreshed");
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(["back"], Clients(await api.GetJsonAsync("/api/sse/groups/room")));
    }

    [Fact]
    public async Task ARefreshThatFailsIsLoggedAndRetriedAndTheStreamGoesOn()
    {
        var logs = new LogCapture(LogLevel.Warning);
        var backplane = new RefreshFailingBackplane(new InMemoryBackplane(new RetentionOptions { MembershipLifetime = Lifetime }));
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Retention:MembershipLifetime"] = "01:00:00" },
            Configure = builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Services.AddSingleton<ISseBackplane>(backplane);
            },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        var refresher = cluster.Silos[0].Services.GetRequiredService<MembershipRefresher>();
        await using var client = await cluster.ConnectAsync(0, "steady", groups: ["room"]);

        await Wait.UntilAsync(() => Task.FromResult(backplane.Failures >= 2), "the refresh failed at two ticks");
        var sent = await api.GroupSendAsync("room", "unaffected");
        Assert.Equal(new SseTestEvent("message", "unaffected", sent), await client.NextAsync(Wait.Timeout));
        Assert.Equal(0, refresher.Refreshed);
        Assert.Single(logs.Entries, e => e.Id.Id == 60 && e.Level == LogLevel.Warning);

        backplane.Failing = false;
        await Wait.UntilAsync(() => Task.FromResult(refresher.Refreshed >= 1), "the refresh retried");
    }

    // Waits until a pass over every connected client that began at or after `from` is complete.
    private static Task PassAsync(MembershipRefresher refresher, DateTimeOffset from) =>
        Wait.UntilAsync(() => Task.FromResult(refresher.LastCompletedPass >= from), $"a refresh pass from {from:O}");

    private static string[] Clients(System.Text.Json.Nodes.JsonNode group) =>
        [.. group["clients"]!.AsArray().Select(c => c!.GetValue<string>())];

    private static string[] Groups(System.Text.Json.Nodes.JsonNode client) =>
        [.. client["groups"]!.AsArray().Select(g => g!.GetValue<string>())];
}
