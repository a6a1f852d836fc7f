using Microsoft.Extensions.Options;

namespace OrleansSse.Silo.Security;

/// <summary>Refuses to start with <c>*</c> and credentials, or an origin that is not <c>scheme://host[:port]</c>.</summary>
internal sealed class CorsOptionsValidator : IValidateOptions<CorsOptions>
{
    public ValidateOptionsResult Validate(string? name, CorsOptions options)
    {
        var failures = new List<string>();
        if (options.AllowCredentials && options.AllowsAnyOrigin)
        {
            failures.Add($"{CorsOptions.Section}: AllowCredentials cannot be combined with the origin '*'; list the origins.");
        }

        foreach (var origin in options.AllowedOrigins.Select(o => o.Trim()).Where(o => o.Length > 0 && o != "*"))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
                uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/'))
            {
                failures.Add($"{CorsOptions.Section}:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port]).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
