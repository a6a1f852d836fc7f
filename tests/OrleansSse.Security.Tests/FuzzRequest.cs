using System.Text;

namespace OrleansSse.Security.Tests;

/// <summary>One generated request.</summary>
public sealed record FuzzRequest(string Method, string PathAndQuery, (string Name, string Value)[] Headers, string? Body)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in Headers)
        {
            if (name == "Content-Type")
            {
                if (message.Content is not null)
                {
                    message.Content.Headers.Remove(name);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public override string ToString() =>
        $"{Method} {Cut(PathAndQuery)} [{string.Join("; ", Headers.Select(h => h.Name + ": " + Cut(h.Value)))}] {(Body is null ? "" : Cut(Body))}";

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200] + $"…({text.Length} chars)";
}
