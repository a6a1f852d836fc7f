using System.Text;
using Microsoft.Extensions.Options;
using OrleansSse.Ai;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Endpoints;

/// <summary><c>GET /healthz</c> and <c>GET /metrics</c>.</summary>
internal static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/healthz", ["GET", "HEAD"], Health); // load balancers probe with either
        app.MapGet("/metrics", Metrics);
    }

    private static IResult Health(ISseBackplane backplane, ConnectionRegistry registry, IOptions<SiloOptions> silo)
    {
        var health = backplane.Health;
        var status = registry.IsDraining ? "draining" : health.Healthy ? "healthy" : "degraded";
        var body = new { status, silo = silo.Value.SiloName, connections = registry.Count, reason = health.Reason };
        return Results.Json(body, statusCode: status == "healthy" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Metrics(SseMetrics metrics, AiStreamingService ai)
    {
        var text = new StringBuilder(2048);
        metrics.WritePrometheus(text);
        AiGauges.WritePrometheus(text, ai);
        RuntimeGauges.WritePrometheus(text);
        return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
