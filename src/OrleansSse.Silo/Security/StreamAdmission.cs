namespace OrleansSse.Silo.Security;

/// <summary>What <see cref="SubscriberGate"/> decided for a stream request.</summary>
/// <param name="ClientId">The client id the stream opens as (from the query, the token, or generated).</param>
/// <param name="Deadline">When the stream must end, or null for never.</param>
/// <param name="Problem">The refusal (401, 403, 409), or null when admitted.</param>
internal sealed record StreamAdmission(string ClientId, DateTimeOffset? Deadline, IResult? Problem);
