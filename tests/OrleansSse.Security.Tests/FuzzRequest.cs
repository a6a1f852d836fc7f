using System.Text;

namespace OrleansSse.Security.Tests;

/// <summary>One generated request.</summary>
public sealed record FuzzRequest(string Method, string PathAndQuery, (string Name, string Value)[] Headers, string? Body)
{
    private const int LargeBody = 16 * 1024;

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8, "application/json");

            // An endpoint that answers without reading the body (or refuses it by its length) may
            // close the connection while a large body is still being sent; the client would then
            // see a broken pipe instead of the answer. With 100-continue it sends the body only when
            // the silo asks for it, so every answer can be checked.
            message.Headers.ExpectContinue = Body.Length > LargeBody;
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
