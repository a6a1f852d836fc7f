using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Grains;

namespace OrleansSse.Ai.Tests;

/// <summary>The real in-memory backplane and cluster, and a streaming service over them.</summary>
internal static class TestServices
{
    public static (InMemoryBackplane Backplane, SseCluster Cluster) CreateCluster()
    {
        var backplane = new InMemoryBackplane();
        return (backplane, AiCluster(backplane));
    }

    /// <summary>Grains that may publish <c>ai_response</c>, as the silo gives the streaming service (the public ones refuse it).</summary>
    public static SseCluster AiCluster(ISseBackplane backplane) => new(backplane, published: null, AiStreamingService.EventName);

    public static AiStreamingService CreateService(
        ISseCluster cluster, IChatClient chat, Action<AiOptions>? configure = null, ILogger<AiStreamingService>? logger = null)
    {
        var options = new AiOptions { TokenDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new AiStreamingService(cluster, chat, Options.Create(options), logger ?? NullLogger<AiStreamingService>.Instance);
    }

    public static long Position(string id) => EventCursor.TryParse(id, out var cursor) ? cursor.Position : throw new FormatException(id);
}
