using System.Net;
using System.Net.Sockets;

namespace OrleansSse.Silo.Http;

/// <summary>
/// The key per-IP limits count a caller under: its IPv4 address, or for IPv6 its /64 network. One
/// IPv6 host usually holds a whole /64 and can pick any address in it, so counting single IPv6
/// addresses would let it multiply its per-IP streams and, in open mode, its publish rate.
/// </summary>
internal static class RemoteAddress
{
    /// <summary>The limit key of <paramref name="address"/> (after forwarded headers were applied); <c>unknown</c> for none.</summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
