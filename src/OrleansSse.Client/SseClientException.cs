using System.Net;

namespace OrleansSse.Client;

/// <summary>
/// A silo refused a request made by <see cref="HttpSseCluster"/> (a non-2xx answer), or could not be
/// reached. The one exception: a 503 whose problem body says the cluster's backplane is down
/// (type <see cref="SseProblemTypes.BackplaneUnavailable"/>) is a <see cref="BackplaneUnavailableException"/>.
/// Any other 503 (say a load balancer or proxy with no healthy silo behind it) is this exception,
/// with <see cref="StatusCode"/> 503 and the answer's <see cref="RetryAfter"/>.
/// </summary>
public sealed class SseClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status the silo answered, or null when no answer came.</param>
    /// <param name="detail">The <c>detail</c> of the silo's problem body, when it sent one.</param>
    /// <param name="innerException">The transport error, if any.</param>
    public SseClientException(string message, HttpStatusCode? statusCode = null, string? detail = null, Exception? innerException = null)
        : this(message, statusCode, detail, null, innerException)
    {
    }

    /// <summary>Creates the exception for an answer that said when to try again.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status the silo answered, or null when no answer came.</param>
    /// <param name="detail">The <c>detail</c> of the silo's problem body, when it sent one.</param>
    /// <param name="retryAfter">The answer's <c>Retry-After</c>, or null when it had none.</param>
    /// <param name="innerException">The transport error, if any.</param>
    public SseClientException(string message, HttpStatusCode? statusCode, string? detail, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status the silo answered (e.g. 401 without the publisher key), or null when it could not be reached or did not answer in time.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>detail</c> of the silo's <c>application/problem+json</c> body, or null.</summary>
    public string? Detail { get; }

    /// <summary>
    /// How long to wait before trying again, from the answer's <c>Retry-After</c> header (seconds, or
    /// a date taken relative to now, never negative): sent with 429 and 503. Null when the answer had none.
    /// </summary>
    public TimeSpan? RetryAfter { get; }
}
