namespace OrleansSse.Silo.Security;

/// <summary>Reads the credentials of <c>Authorization: Bearer &lt;credentials&gt;</c>.</summary>
internal static class BearerToken
{
    public static bool TryRead(HttpRequest request, out string credentials)
    {
        credentials = "";
        var header = request.Headers.Authorization;
        if (header.Count != 1)
        {
            return false;
        }

        var value = header[0].AsSpan().Trim();
        const string Scheme = "Bearer ";
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        credentials = value[Scheme.Length..].Trim().ToString();
        return credentials.Length > 0;
    }
}
