using Microsoft.Extensions.Options;
using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Options;

/// <summary>Refuses a backplane kind other than <c>InMemory</c> or <c>Redis</c> and a trusted proxy that is no address or network.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        if (!options.Backplane.HasKnownKind)
        {
            failures.Add($"{SiloOptions.Section}:Backplane:Kind must be InMemory or Redis, not '{options.Backplane.Kind}'.");
        }

        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!ForwardedHeadersSetup.IsProxyEntry(options.TrustedProxies[i]))
            {
                failures.Add($"{SiloOptions.Section}:TrustedProxies:{i}: '{options.TrustedProxies[i]}' is neither an IP address nor a CIDR network.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
