namespace OrleansSse;

/// <summary>
/// The <c>type</c> of the silo's <c>application/problem+json</c> refusals that a caller can act on
/// (the type, not the title, names a problem). The other refusals carry their HTTP status's
/// generic type.
/// </summary>
public static class SseProblemTypes
{
    /// <summary>
    /// A 503 (with <c>Retry-After</c>) because the backplane could not take or serve the request,
    /// Redis being unreachable: nothing was published or changed. A silo that is full or stopping,
    /// or a load balancer in front of the silos, answers 503 without this type. It names the
    /// problem and is not a page to fetch.
    /// </summary>
    public const string BackplaneUnavailable = "urn:orleanssse:problem:backplane-unavailable";
}
