using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSse;
using OrleansSse.Client;

// Reaches an OrleansSse cluster with the client library: sends to one client, a group and
// everyone, and prints the event ids. HTTP (OrleansSseClient:BaseAddress in appsettings.json) by
// default; `--redis <configuration>` (or ORLEANSSSE_REDIS) joins the cluster through its Redis.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json next to the binary, wherever it is run from
});
var redis = RedisArgument(args) ?? Environment.GetEnvironmentVariable("ORLEANSSSE_REDIS");
builder.Services.AddOrleansSseClient(builder.Configuration.GetSection(SseClientOptions.SectionName), options =>
{
    if (!string.IsNullOrWhiteSpace(redis))
    {
        options.UseRedis(redis);
    }
});

using var host = builder.Build();
await host.StartAsync();
var cluster = host.Services.GetRequiredService<ISseCluster>();
var clientId = builder.Configuration["Sample:ClientId"] ?? "demo-client";
var groupName = builder.Configuration["Sample:Group"] ?? "demo-group";
Console.WriteLine($"mode: {(cluster is RedisSseCluster ? "redis" : "http")}");

try
{
    var direct = await cluster.GetClient(clientId).SendAsync(new SseEvent("note", $"hello {clientId}"));
    Console.WriteLine($"client {clientId}: id={direct.Id} online={direct.Online}");

    var group = cluster.GetGroup(groupName);
    await group.AddAsync(clientId);
    var toGroup = await group.SendAsync(new SseEvent("note", $"hello {groupName}"));
    var members = await group.GetMembersAsync();
    Console.WriteLine($"group {groupName}: id={toGroup.Id} members=[{string.Join(", ", members)}]");

    var everyone = await cluster.GetBroadcast().SendAsync(new SseEvent("news", "hello everyone"));
    Console.WriteLine($"everyone: id={everyone.Id}");
}
catch (Exception ex) when (ex is BackplaneUnavailableException or SseClientException)
{
    Console.Error.WriteLine($"failed: {ex.Message}");
    Environment.ExitCode = 1;
}

await host.StopAsync();

static string? RedisArgument(string[] args)
{
    var at = Array.IndexOf(args, "--redis");
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
