using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Http;

/// <summary>
/// Takes the client's address from <c>X-Forwarded-For</c> when the request comes from a trusted
/// proxy (loopback, plus <see cref="SiloOptions.TrustedProxies"/>), so per-IP limits see browsers,
/// not the load balancer.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, SiloOptions silo) =>
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var entry in silo.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(entry, out var address))
                {
                    options.KnownProxies.Add(address);
                }

                // Anything else: SiloOptionsValidator stops the silo at start, naming the entry.
            }
        });

    /// <summary>Whether a <see cref="SiloOptions.TrustedProxies"/> entry is an IP address or a CIDR network.</summary>
    public static bool IsProxyEntry(string entry) => System.Net.IPNetwork.TryParse(entry, out _) || IPAddress.TryParse(entry, out _);
}
