using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansSse.Silo.Tests;

/// <summary>A silo's HTTP API as tests call it (directly or through nginx); each publish asserts its documented status and returns the event id.</summary>
internal sealed class SiloApi(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<(string Id, bool Online)> SendAsync(string clientId, JsonNode? data, string? eventName = null, string? coalesceKey = null)
    {
        var body = new JsonObject { ["client_id"] = clientId, ["data"] = data };
        if (eventName is not null)
        {
            body["event"] = eventName;
        }

        if (coalesceKey is not null)
        {
            body["coalesce_key"] = coalesceKey;
        }

        using var response = await PostAsync("/api/sse/send", body.ToJsonString());
        var json = await AcceptedAsync(response);
        return (json["id"]!.GetValue<string>(), json["online"]!.GetValue<bool>());
    }

    public async Task<string> BroadcastAsync(JsonNode? data, string? eventName = null, string? coalesceKey = null)
    {
        var body = new JsonObject { ["data"] = data };
        if (eventName is not null)
        {
            body["event"] = eventName;
        }

        if (coalesceKey is not null)
        {
            body["coalesce_key"] = coalesceKey;
        }

        using var response = await PostAsync("/api/sse/broadcast", body.ToJsonString());
        return (await AcceptedAsync(response))["id"]!.GetValue<string>();
    }

    public async Task<string> GroupSendAsync(string group, JsonNode? data, string? eventName = null, string? coalesceKey = null)
    {
        var body = new JsonObject { ["data"] = data };
        if (eventName is not null)
        {
            body["event"] = eventName;
        }

        if (coalesceKey is not null)
        {
            body["coalesce_key"] = coalesceKey;
        }

        using var response = await PostAsync($"/api/sse/groups/{Uri.EscapeDataString(group)}/send", body.ToJsonString());
        return (await AcceptedAsync(response))["id"]!.GetValue<string>();
    }

    public async Task AddToGroupAsync(string group, string clientId)
    {
        using var response = await http.PutAsync(MembershipPath(group, clientId), null);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT membership: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task RemoveFromGroupAsync(string group, string clientId)
    {
        using var response = await http.DeleteAsync(MembershipPath(group, clientId));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"DELETE membership: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return http.PostAsync(path, content);
    }

    public static string MembershipPath(string group, string clientId) =>
        $"/api/sse/groups/{Uri.EscapeDataString(group)}/clients/{Uri.EscapeDataString(clientId)}";

    private static async Task<JsonNode> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.RequestMessage?.RequestUri}: expected 202, got {(int)response.StatusCode} {text}");
        try
        {
            return JsonNode.Parse(text) ?? throw new JsonException("null body");
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"202 body is not JSON: '{text}' ({ex.Message})");
        }
    }
}
