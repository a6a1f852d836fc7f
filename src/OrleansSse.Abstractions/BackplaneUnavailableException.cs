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
        : base(message, innerException)
    {
    }
}
