using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// "Endpoints without a body do not read one, so they answer as if it were absent, whatever its
/// size" (README refusals): membership, disconnect and the info endpoints given a body far past
/// <c>Limits:MaxBodyBytes</c> (and not JSON) do their work as usual, never 413 or 400.
/// </summary>
public sealed class BodylessEndpointTests
{
    private const int MaxBodyBytes = 1024;

    // 1 MB, not JSON: reading it would be 413 (past MaxBodyBytes) or 400.
    private static readonly byte[] Junk = [.. Enumerable.Repeat((byte)'{', 1024 * 1024)];

    [Fact]
    public async Task MembershipDisconnectAndInfoEndpointsIgnoreAMegabyteBodyAndDoTheirWork()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Limits:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var ann = await cluster.ConnectAsync(0, "ann");

        using (var put = await SendAsync(api, HttpMethod.Put, SiloApi.MembershipPath("team", "ann")))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        var toTeam = await api.GroupSendAsync("team", "joined", "grp");
        Assert.Equal(new SseTestEvent("grp", "joined", toTeam), await ann.NextAsync(Wait.Timeout));

        using (var info = await SendAsync(api, HttpMethod.Get, "/api/sse/clients/ann"))
        {
            var json = JsonNode.Parse(await info.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, info.StatusCode);
            Assert.True(json["online"]!.GetValue<bool>());
            Assert.Equal(["team"], json["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        }

        using (var group = await SendAsync(api, HttpMethod.Get, "/api/sse/groups/team"))
        {
            Assert.Equal(HttpStatusCode.OK, group.StatusCode);
            Assert.Equal(["ann"], JsonNode.Parse(await group.Content.ReadAsStringAsync())!["clients"]!.AsArray().Select(c => c!.GetValue<string>()));
        }

        using (var delete = await SendAsync(api, HttpMethod.Delete, SiloApi.MembershipPath("team", "ann")))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Empty((await api.GetJsonAsync("/api/sse/groups/team"))["clients"]!.AsArray());

        using (var disconnect = await SendAsync(api, HttpMethod.Post, "/api/sse/clients/ann/disconnect"))
        {
            Assert.Equal(HttpStatusCode.NoContent, disconnect.StatusCode);
        }

        await ann.Closed.WaitAsync(Wait.Timeout);
    }

    private static Task<HttpResponseMessage> SendAsync(SiloApi api, HttpMethod method, string path)
    {
        var content = new ByteArrayContent(Junk);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return api.Http.SendAsync(new HttpRequestMessage(method, path) { Content = content });
    }
}
