namespace OrleansSse.Silo.Security;

/// <summary>Endpoint conventions that protect the publishing and membership endpoints.</summary>
internal static class SecurityConventions
{
    /// <summary>
    /// Requires a publisher key (<see cref="AuthOptions.PublisherKeys"/>) when keys are configured:
    /// 401 without <c>Authorization: Bearer</c>, 403 for a wrong key, and the handler never runs.
    /// </summary>
    public static TBuilder RequirePublisherKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, PublisherKeyFilter>();

    /// <summary>
    /// Counts each call against the publisher's events-per-second budget (429 past it). Apply after
    /// <see cref="RequirePublisherKey{TBuilder}"/> so the budget is per key, not per address.
    /// </summary>
    public static TBuilder LimitPublishRate<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, PublishRateFilter>();
}
