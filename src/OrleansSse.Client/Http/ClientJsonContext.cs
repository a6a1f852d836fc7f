using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

[JsonSerializable(typeof(PublishBody))]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(GroupResponse))]
[JsonSerializable(typeof(ClientResponse))]
[JsonSerializable(typeof(ProblemResponse))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
