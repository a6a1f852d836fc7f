namespace OrleansSse.Silo.Detach;

/// <summary>Whether Kestrel installed the detach middleware on any endpoint (see <see cref="StreamDetachCheck"/>).</summary>
internal sealed class StreamDetachState
{
    private volatile bool _installed;

    public bool Installed => _installed;

    public void MarkInstalled() => _installed = true;
}
