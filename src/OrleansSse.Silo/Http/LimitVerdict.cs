namespace OrleansSse.Silo.Http;

/// <summary>What <see cref="ConnectionLimiter.TryAcquire"/> decided.</summary>
internal enum LimitVerdict
{
    Allowed,
    TooManyTotal,
    TooManyForIp,
    TooManyForClient,
}
