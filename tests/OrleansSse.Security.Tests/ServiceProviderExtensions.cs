using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Connections;

namespace OrleansSse.Security.Tests;

internal static class ServiceProviderExtensions
{
    public static int GetConnectionCount(this IServiceProvider services) =>
        services.GetRequiredService<ConnectionRegistry>().Count;
}
