namespace OrleansSse.Connections;

/// <summary>The silo is stopping and opens no new streams; the client should connect to another silo.</summary>
internal sealed class SiloDrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloDrainingException()
        : base("The silo is draining; connect to another silo.")
    {
    }
}
