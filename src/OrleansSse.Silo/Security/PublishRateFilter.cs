using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Counts each call against its publisher's token bucket (<see cref="PublishRateLimiter"/>) and
/// answers 429 with <c>Retry-After</c> past it; the handler does not run, so nothing is published.
/// Runs after <see cref="PublisherKeyFilter"/>, which names the publisher.
/// </summary>
internal sealed class PublishRateFilter(PublishRateLimiter limiter) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var publisher = http.Items[PublisherKeyFilter.PublisherItem] as string
            ?? "ip:" + RemoteAddress.Key(http.Connection.RemoteIpAddress);
        var wait = limiter.TryAcquire(publisher);
        return wait == 0
            ? next(context)
            : ValueTask.FromResult<object?>(Problems.TooMany(http, "Too many calls from this publisher.", wait));
    }
}
