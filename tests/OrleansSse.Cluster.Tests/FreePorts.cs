using System.Net;
using System.Net.Sockets;

namespace OrleansSse.Cluster.Tests;

/// <summary>Free loopback ports for servers the tests start as processes.</summary>
internal static class FreePorts
{
    // Below Linux's ephemeral range (32768-60999): outgoing connections of tests running in
    // parallel take their local ports from that range and could grab a port between the check
    // here and the server's bind.
    private const int First = 20000;
    private const int Last = 32000;

    /// <summary>A free port outside the ephemeral range.</summary>
    public static int One() => Consecutive(1);

    /// <summary>The first of <paramref name="count"/> consecutive free ports outside the ephemeral range.</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(First, Last - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
