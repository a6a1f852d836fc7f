using Microsoft.Extensions.DependencyInjection;

namespace OrleansSse.Client;

/// <summary>
/// What <see cref="SseClientServiceCollectionExtensions.AddOrleansSseClient(IServiceCollection, Action{SseClientOptions})"/>
/// returns: the place for further client features (for example subscriber token minting) to register.
/// </summary>
public sealed class SseClientBuilder
{
    internal SseClientBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the client was added to.</summary>
    public IServiceCollection Services { get; }
}
