using Microsoft.Extensions.Options;
using OrleansSse.Backplane;

namespace OrleansSse.Configuration;

/// <summary>
/// Refuses <see cref="RetentionOptions"/> that cannot work, each failure naming its key under the
/// section given (<c>OrleansSse:Retention</c> on a silo, <c>OrleansSseClient:Retention</c> in a
/// Redis-mode client), so that a silo and a client judge retention by the same rules.
/// Compiled into each assembly that checks retention (src/Shared).
/// </summary>
internal sealed class RetentionChecks(string section) : IValidateOptions<RetentionOptions>
{
    /// <summary>The longest <see cref="RetentionOptions.MembershipLifetime"/> accepted (a deadline must stay a representable date).</summary>
    public static readonly TimeSpan LongestMembershipLifetime = TimeSpan.FromDays(365);

    /// <summary>What is wrong with <paramref name="options"/>; empty when it can work.</summary>
    public static List<string> Failures(RetentionOptions options, string section)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok)
            {
                failures.Add($"{section}:{key} {rule}.");
            }
        }

        Check(options.MaxEventsPerStream >= 1, nameof(options.MaxEventsPerStream), "must be at least 1");
        Check(options.MaxAge > TimeSpan.Zero, nameof(options.MaxAge), "must be longer than zero");
        Check(options.MaxReplayEvents >= 1, nameof(options.MaxReplayEvents), "must be at least 1");
        Check(options.MaxReplayBytes >= 1, nameof(options.MaxReplayBytes), "must be at least 1");
        Check(options.MaxRetainedBytes >= 1, nameof(options.MaxRetainedBytes), "must be at least 1");
        Check(options.MembershipLifetime == TimeSpan.Zero || (options.MembershipLifetime >= options.MaxAge && options.MembershipLifetime <= LongestMembershipLifetime),
            nameof(options.MembershipLifetime), "must be 00:00:00 (memberships never lapse) or between Retention:MaxAge and 365.00:00:00");
        return failures;
    }

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = Failures(options, section);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
