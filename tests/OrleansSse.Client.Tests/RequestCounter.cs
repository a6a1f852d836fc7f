namespace OrleansSse.Client.Tests;

/// <summary>A pass-through handler over a real socket handler that records every request it forwards.</summary>
internal sealed class RequestCounter() : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private readonly List<HttpRequestMessage> _requests = [];

    public IReadOnlyList<HttpRequestMessage> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
