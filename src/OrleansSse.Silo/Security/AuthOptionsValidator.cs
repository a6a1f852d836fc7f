using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Refuses to start with a publisher key that is guessable or cannot be sent intact (shorter than
/// <see cref="MinPublisherKeyLength"/> characters, or holding anything but printable ASCII: no
/// whitespace, control or non-ASCII character), with a subscriber signing key shorter than
/// <see cref="SubscriberTokenFormat.MinKeyBytes"/> bytes, or with an empty token cookie name.
/// An empty key entry is ignored (so one entry of a file can be blanked out from the environment).
/// The messages name the entry, never its value.
/// </summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>The fewest characters a publisher key may have.</summary>
    public const int MinPublisherKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.PublisherKeys.Length; i++)
        {
            if (PublisherKeyProblem(options.PublisherKeys[i]) is { } problem)
            {
                failures.Add($"{AuthOptions.Section}:PublisherKeys:{i} {problem}.");
            }
        }

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

    // Printable ASCII is what survives an Authorization header unchanged (the silo trims the
    // header, so a key with spaces at its ends could never match).
    private static string? PublisherKeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (key.Any(c => c > '\u007f'))
        {
            return "holds a non-ASCII character (a publisher key is printable ASCII without whitespace)";
        }

        if (key.Any(c => c <= ' ' || c == '\u007f'))
        {
            return "holds whitespace or a control character (a publisher key is printable ASCII without whitespace)";
        }

        return key.Length < MinPublisherKeyLength
            ? $"is shorter than {MinPublisherKeyLength} characters"
            : null;
    }
}
