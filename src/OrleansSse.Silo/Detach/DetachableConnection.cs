using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// The connection as Kestrel's HTTP layer sees it (built by <see cref="StreamDetachMiddleware"/>):
/// the real one, except that its transport can be detached (<see cref="Input"/>,
/// <see cref="Output"/>), that Kestrel's timeout heartbeat goes through here (and stops reaching
/// Kestrel's connection object once that is done, which would otherwise keep all its per-request
/// state alive), that Kestrel's aborts are ignored once the connection is detached, and that a
/// stream's response head can be kept off the transport so that the stream writes it to the
/// socket itself (<see cref="TryCaptureResponseHead"/>).
/// </summary>
internal sealed class DetachableConnection : ConnectionContext, IDuplexPipe, IStreamDetachFeature, IConnectionHeartbeatFeature, IConnectionTransportFeature
{
    private readonly ConnectionContext _inner;
    private readonly DetachableOutput _output;
    private IDuplexPipe _transport;
    private volatile bool _detached;
    private HeartbeatRelay? _heartbeat;
    private IDetachedStream? _stream;
    private Socket? _socket;
    private (byte[] Array, int Length)? _head;

    public DetachableConnection(ConnectionContext inner)
    {
        _inner = inner;
        Input = new DetachableInput(inner.Transport.Input, this);
        Output = _output = new DetachableOutput(inner.Transport.Output, this);
        _transport = this;
        Features = new DetachableFeatures(inner.Features, this);
    }

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    /// <summary>
    /// What the HTTP layer reads and writes: this connection's <see cref="Input"/> and
    /// <see cref="Output"/>, unless a TLS layer in between replaced it (then nothing is detached).
    /// </summary>
    public override IDuplexPipe Transport
    {
        get => _transport;
        set => _transport = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _inner.ConnectionClosed;
        set => _inner.ConnectionClosed = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    /// <summary>
    /// The transport input as Kestrel sees it: the real one until the stream detaches, then an
    /// input that has ended (so Kestrel finishes the request and lets go).
    /// </summary>
    public PipeReader Input { get; }

    /// <summary>
    /// The transport output as Kestrel sees it: the real one until the stream detaches, then a sink
    /// for what Kestrel still writes (the terminating chunk, completing the pipe).
    /// </summary>
    public PipeWriter Output { get; }

    public bool CanDetach => ReferenceEquals(_transport, this) && !_detached;

    /// <summary>Whether a stream detached from Kestrel on this connection.</summary>
    public bool IsDetached => _detached;

    public bool TryCaptureResponseHead()
    {
        if (!CanDetach || _inner.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket || !_output.TryCapture())
        {
            return false;
        }

        _socket = socket;
        return true;
    }

    public void ReleaseResponseHead()
    {
        _socket = null;
        _output.ReleaseCaptured();
    }

    public void Detach(IDetachedStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!CanDetach)
        {
            throw new InvalidOperationException("This connection cannot be detached.");
        }

        _stream = stream;
        _detached = true;
        if (_socket is not null)
        {
            _head = _output.TakeCaptured();
        }
    }

    /// <summary>
    /// Called once Kestrel's HTTP layer has returned: stops relaying the heartbeat to it and
    /// returns the stream to run on the raw transport, if one detached, with the body it writes:
    /// straight to the socket when its response head was captured, else through the transport output.
    /// </summary>
    public (IDetachedStream Stream, DetachedBody Body)? Release()
    {
        _heartbeat?.Release();
        if (_stream is not { } stream)
        {
            return null;
        }

        DetachedBody body = _head is { } head && _socket is { } socket
            ? new SocketBodyWriter(socket, head.Array, head.Length)
            : new ChunkedBodyWriter(_inner.Transport.Output);
        return (stream, body);
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (!_detached)
        {
            _inner.Abort(abortReason);
        }
    }

    public override void Abort()
    {
        if (!_detached)
        {
            _inner.Abort();
        }
    }

    // The server disposes the real connection when the middleware returns.
    public override ValueTask DisposeAsync() => default;

    public void OnHeartbeat(Action<object> action, object state)
    {
        if (_inner.Features.Get<IConnectionHeartbeatFeature>() is not { } heartbeat)
        {
            return;
        }

        // Kestrel registers once per connection; anything more goes straight to the server.
        if (_heartbeat is not null)
        {
            heartbeat.OnHeartbeat(action, state);
            return;
        }

        _heartbeat = new HeartbeatRelay(action, state);
        heartbeat.OnHeartbeat(HeartbeatRelay.Tick, _heartbeat);
    }
}
