using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrleansSse.Browser.Tests;

/// <summary>The silo's HTTP API as the tests call it; each publish asserts its documented status and returns the event id.</summary>
internal sealed class SiloApi(HttpClient http)
{
    public async Task<(string Id, bool Online)> SendAsync(string clientId, string data)
    {
        var json = await AcceptedAsync("/api/sse/send", new { client_id = clientId, @event = "message", data });
        return (json["id"]!.GetValue<string>(), json["online"]!.GetValue<bool>());
    }

    public async Task<string> GroupSendAsync(string group, string data) =>
        (await AcceptedAsync($"/api/sse/groups/{Uri.EscapeDataString(group)}/send", new { @event = "message", data }))["id"]!.GetValue<string>();

    public async Task<string> BroadcastAsync(string data) =>
        (await AcceptedAsync("/api/sse/broadcast", new { @event = "message", data }))["id"]!.GetValue<string>();

    public async Task AddToGroupAsync(string group, string clientId)
    {
        using var response = await http.PutAsync($"/api/sse/groups/{Uri.EscapeDataString(group)}/clients/{Uri.EscapeDataString(clientId)}", null);
        await ExpectAsync(response, HttpStatusCode.NoContent);
    }

    /// <summary><c>POST /api/sse/clients/{id}/disconnect</c>: ends the client's streams on every silo.</summary>
    public async Task DisconnectAsync(string clientId)
    {
        using var response = await http.PostAsync($"/api/sse/clients/{Uri.EscapeDataString(clientId)}/disconnect", null);
        await ExpectAsync(response, HttpStatusCode.NoContent);
    }

    private async Task<JsonNode> AcceptedAsync(string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        await ExpectAsync(response, HttpStatusCode.Accepted);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        }
    }
}
