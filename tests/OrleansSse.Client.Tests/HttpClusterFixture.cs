using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary>One real silo (in-memory backplane) and an <see cref="ISseCluster"/> built by <c>AddOrleansSseClient(o => o.UseHttp(...))</c>.</summary>
public sealed class HttpClusterFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public SseTestCluster Silos { get; private set; } = null!;

    public ISseCluster Cluster { get; private set; } = null!;

    public Uri BaseAddress => Silos.Silos[0].BaseAddress;

    public async Task InitializeAsync()
    {
        Silos = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 1 });
        _services = new ServiceCollection()
            .AddOrleansSseClient(o => o.UseHttp(BaseAddress))
            .Services.BuildServiceProvider();
        Cluster = _services.GetRequiredService<ISseCluster>();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await Silos.DisposeAsync();
    }
}
