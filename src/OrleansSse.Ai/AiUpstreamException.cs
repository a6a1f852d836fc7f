using System.Net;

namespace OrleansSse.Ai;

/// <summary>
/// The AI endpoint refused the request or reported an error in its stream. The message is safe to
/// show to the user who asked (it names the status, never the key); <see cref="ResponseBody"/>
/// holds the start of what the upstream answered, for logs.
/// </summary>
public sealed class AiUpstreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AiUpstreamException(string message, HttpStatusCode? statusCode = null, string? responseBody = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>The upstream's HTTP status, when it answered with a non-success status.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The start of the upstream's answer (at most 1024 characters), if any.</summary>
    public string? ResponseBody { get; }
}
