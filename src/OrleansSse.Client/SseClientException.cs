using System.Net;

namespace OrleansSse.Client;

/// <summary>
/// A silo refused a request made by <see cref="HttpSseCluster"/> (a non-2xx answer other than 503),
/// or could not be reached. A 503 (the backplane is down) is a <see cref="BackplaneUnavailableException"/> instead.
/// </summary>
public sealed class SseClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status the silo answered, or null when no answer came.</param>
    /// <param name="detail">The <c>detail</c> of the silo's problem body, when it sent one.</param>
    /// <param name="innerException">The transport error, if any.</param>
    public SseClientException(string message, HttpStatusCode? statusCode = null, string? detail = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>The HTTP status the silo answered (e.g. 400 for an invalid or reserved name), or null when it could not be reached.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>detail</c> of the silo's <c>application/problem+json</c> body, or null.</summary>
    public string? Detail { get; }
}
