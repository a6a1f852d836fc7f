namespace OrleansSse;

/// <summary>The backplane (for example Redis) could not be reached; the operation did not happen.</summary>
public sealed class BackplaneUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackplaneUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
