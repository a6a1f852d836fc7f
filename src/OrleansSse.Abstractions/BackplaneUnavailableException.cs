namespace OrleansSse;

/// <summary>
/// The backplane (for example Redis) could not be reached; the operation did not happen. A silo
/// answers it over HTTP as a 503 whose problem type is <see cref="SseProblemTypes.BackplaneUnavailable"/>
/// (with <c>Retry-After</c>), and the HTTP client throws it for that answer only: any other 503 is
/// not a backplane outage.
/// </summary>
public sealed class BackplaneUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackplaneUnavailableException(string message, Exception? innerException = null)
        : this(message, null, innerException)
    {
    }

    /// <summary>Creates the exception for an outage reported with when to try again.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="retryAfter">The silo's <c>Retry-After</c>, or null when none was given.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public BackplaneUnavailableException(string message, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>
    /// How long the silo suggested waiting before trying again (its 503's <c>Retry-After</c>, when the
    /// HTTP client received one); null when the outage was seen directly (Redis mode, in process).
    /// </summary>
    public TimeSpan? RetryAfter { get; }
}
