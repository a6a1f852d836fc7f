using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSse.Silo.Security;

/// <summary>Refuses to start with a subscriber signing key shorter than <see cref="SubscriberTokenFormat.MinKeyBytes"/> bytes.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.SubscriberSigningKeys.Length; i++)
        {
            var key = options.SubscriberSigningKeys[i];
            if (!string.IsNullOrEmpty(key) && Encoding.UTF8.GetByteCount(key) < SubscriberTokenFormat.MinKeyBytes)
            {
                failures.Add($"{AuthOptions.Section}:SubscriberSigningKeys:{i} is shorter than {SubscriberTokenFormat.MinKeyBytes} bytes.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.TokenCookieName))
        {
            failures.Add($"{AuthOptions.Section}:TokenCookieName must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
