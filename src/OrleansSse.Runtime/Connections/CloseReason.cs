namespace OrleansSse.Connections;

/// <summary>Why the broker ended a connection.</summary>
internal enum CloseReason
{
    /// <summary>Still open, or the client went away.</summary>
    None = 0,

    /// <summary>
    /// The queue bound was hit (policy <see cref="SlowConsumerPolicy.Disconnect"/>), or the writer
    /// waited on one flush past <see cref="StreamOptions.WriteStallTimeout"/>.
    /// </summary>
    SlowConsumer,

    /// <summary>A caller asked (<c>IClientGrain.DisconnectAsync</c>).</summary>
    Requested,

    /// <summary>The silo is stopping; the stream ended with a <c>retry:</c> hint.</summary>
    Draining,

    /// <summary>The silo was killed: cut with no drain.</summary>
    Aborted,

    /// <summary>The backplane lost history this connection needed; the client resumes and learns it in-band.</summary>
    HistoryLost,

    /// <summary>The connection reached its maximum lifetime (or its token expired).</summary>
    Expired,
}
