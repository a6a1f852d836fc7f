using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// A loopback TCP forwarder in front of a server, for cutting a client's connections at a chosen
/// moment. It remembers what clients sent upstream, so a test can wait until a command has
/// reached the server before cutting.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly List<Socket> _sockets = [];
    private readonly StringBuilder _sent = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public TcpForwarder(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether clients have sent <paramref name="text"/> upstream (ASCII).</summary>
    public bool HasSent(string text)
    {
        lock (_sent)
        {
            return _sent.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    /// <summary>Closes every forwarded connection, both sides, at once. New connections are still accepted.</summary>
    public void CutAll()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Close();
            }

            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        CutAll();
        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stopping.Token);
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stopping.Token);
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            _ = PumpAsync(client, upstream, record: true);
            _ = PumpAsync(upstream, client, record: false);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool record)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (record)
                {
                    lock (_sent)
                    {
                        _sent.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Cut: the other pump sees it too.
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }
}
