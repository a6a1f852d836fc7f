using Microsoft.Extensions.AI;
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
        return (backplane, new SseCluster(backplane));
    }

    public static AiStreamingService CreateService(ISseCluster cluster, IChatClient chat, Action<AiOptions>? configure = null)
    {
        var options = new AiOptions { TokenDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new AiStreamingService(cluster, chat, Options.Create(options), NullLogger<AiStreamingService>.Instance);
    }

    public static long Position(string id) => EventCursor.TryParse(id, out var cursor) ? cursor.Position : throw new FormatException(id);
}
