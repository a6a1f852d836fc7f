namespace OrleansSse.Silo.Detach;

/// <summary>Writes a detached stream's body; returns true when it ended gracefully (the body gets its terminating chunk).</summary>
internal delegate Task<bool> DetachedRun(DetachedStream stream);
