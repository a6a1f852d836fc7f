using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace OrleansSse.Security.Tests;

/// <summary>FsCheck generators of random and hostile HTTP requests against every endpoint.</summary>
internal static class HostileInput
{
    private static readonly string[] Nasty =
    [
        "", " ", "a", "alice", "bob", "team", "connected", "ai_response", "message", "\r", "\n", "\r\n\r\n",
        "\0", "a\0b", "x\nevent: connected\ndata: forged\n\n", "id: 1-1", "data:", ":", "%", "%00", "%0A",
        "../..", "/", "\\", "a,b,,c", ",", "é", "日本語", "😀", "\ud800", "null", "{}", "[]", "{", "\"", "'",
        "<script>", "9999999999999999999999", "-1", "0-0", "abc-1", "-", "1-", "Bearer", "Bearer x",
        new string('a', 128), new string('a', 129), new string('x', 5000),
    ];

    public static Gen<string> Text { get; } = Gen.OneOf(
        Gen.Elements(Nasty),
        Gen.Elements(Nasty).ListOf(3).Select(parts => string.Concat(parts)),
        Gen.Choose(0, 0x2FFF).Select(c => (char)c).ArrayOf().Select(chars => new string(chars)),
        Gen.Choose(32, 126).Select(c => (char)c).ArrayOf().Select(chars => new string(chars)));

    /// <summary>A client id or group name for a path segment: mostly hostile, sometimes valid.</summary>
    public static Gen<string> Id { get; } = Gen.Frequency(
        (2, Gen.Elements("alice", "bob", "team", "g.1", "a-b_c:d@e")),
        (3, Text.Where(t => t.Length > 0)));

    private static Gen<string> JsonValue { get; } = Gen.OneOf(
        Text.Select(Quote),
        Gen.Elements("null", "true", "false", "0", "-1.5e300", "1e999", "[]", "{}", """[1,"a",{"b":null}]""",
            """{"nested":{"deep":[1,2,3]}}""", "\"\\u0000\\r\\n\"", "\"\\ud800\""));

    private static Gen<string> JsonBody { get; } = Gen.Frequency(
        (5, Gen.Zip(
                Gen.Elements("client_id", "event", "data", "prompt", "x", "").ListOf(4),
                JsonValue.ListOf(4))
            .Select(t => "{" + string.Join(",", t.Item1.Zip(t.Item2, (k, v) => Quote(k) + ":" + v)) + "}")),
        (2, JsonValue),
        (2, Text),
        (1, Gen.Constant("{\"data\":\"" + new string('z', 70_000) + "\"}")),
        (1, Gen.Constant("[" + string.Concat(Enumerable.Repeat("[", 5000)))));

    private static Gen<(string Method, string Path)> Target { get; } =
        Gen.Zip(Id, Id).SelectMany(ids => Gen.Elements(
            ("POST", "/api/sse/send"),
            ("POST", "/api/sse/broadcast"),
            ("POST", $"/api/sse/groups/{Escape(ids.Item1)}/send"),
            ("PUT", $"/api/sse/groups/{Escape(ids.Item1)}/clients/{Escape(ids.Item2)}"),
            ("DELETE", $"/api/sse/groups/{Escape(ids.Item1)}/clients/{Escape(ids.Item2)}"),
            ("GET", $"/api/sse/groups/{Escape(ids.Item1)}"),
            ("GET", $"/api/sse/clients/{Escape(ids.Item2)}"),
            ("POST", $"/api/sse/clients/{Escape(ids.Item2)}/disconnect"),
            ("GET", "/api/sse"),
            ("POST", "/api/ai/stream-chat"),
            ("GET", "/healthz"),
            ("GET", "/metrics"),
            ("OPTIONS", "/api/sse/send"),
            ("PATCH", "/api/sse/send")));

    private static Gen<string> Query { get; } = Gen.Zip(
            Gen.Elements("client_id", "groups", "last_event_id", "access_token", "x", "client_id").ListOf(3),
            Text.ListOf(3))
        .Select(t => t.Item1.Count == 0 ? "" : "?" + string.Join("&", t.Item1.Zip(t.Item2, (k, v) => k + "=" + Escape(v))));

    private static Gen<(string Name, string Value)[]> Headers { get; } = Gen.Elements(
            "Authorization", "Last-Event-ID", "Content-Type", "Origin", "Cookie", "Access-Control-Request-Method")
        .SelectMany(name => Gen.Frequency(
                (3, Text),
                (1, Gen.Elements("Bearer " + TestSilo.PublisherKey, "Bearer " + TestTokens.For("alice"), "Bearer " + TestTokens.AlgNone("alice"))),
                (1, Gen.Elements("orleanssse_token=" + TestTokens.For("bob"), "application/json", "text/plain", "https://evil.example")))
            .Select(value => (name, value)))
        .ArrayOf();

    /// <summary>A whole request: target, query, headers (values made header-safe), optional body.</summary>
    public static Gen<FuzzRequest> Request { get; } =
        from target in Target
        from query in Query
        from headers in Headers
        from body in Gen.OneOf(Gen.Constant<string?>(null), JsonBody.Select(b => (string?)b))
        select new FuzzRequest(target.Method, target.Path + query, [.. headers.Select(h => (h.Name, HeaderSafe(h.Value)))], body);

    public static string Escape(string value) => Uri.EscapeDataString(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)));

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    // HttpClient refuses CR, LF and NUL in header values before they reach the wire.
    private static string HeaderSafe(string value) =>
        new([.. value.Where(c => c is >= ' ' and <= '~')]);
}
