using System.Text.Json;

namespace OrleansSse.Ai.Tests;

/// <summary>What <see cref="FakeOpenAiUpstream"/> received.</summary>
internal sealed record UpstreamRequest(string Authorization, JsonElement Body);
