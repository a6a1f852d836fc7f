namespace OrleansSse.Silo.Security;

/// <summary>
/// Applies <see cref="GroupQuota"/> to <c>PUT /api/sse/groups/{group}/clients/{client_id}</c>:
/// 409 with a problem body when the client already belongs to the most groups allowed.
/// Invalid names are left to the handler (400).
/// </summary>
internal sealed class GroupQuotaFilter(GroupQuota quota) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var route = context.HttpContext.Request.RouteValues;
        if (route["group"] is string group && route["client_id"] is string clientId &&
            SseNames.IsValidKey(group) && SseNames.IsValidKey(clientId) &&
            await quota.CheckAsync(clientId, [group], context.HttpContext.RequestAborted) is { } problem)
        {
            return problem;
        }

        return await next(context);
    }
}
