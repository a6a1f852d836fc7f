using System.Text.Json.Serialization;

namespace OrleansSse.Silo.Endpoints;

[JsonSerializable(typeof(ConnectedData))]
internal sealed partial class SiloJsonContext : JsonSerializerContext;
