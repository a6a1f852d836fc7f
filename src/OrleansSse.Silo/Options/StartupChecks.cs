using Microsoft.Extensions.Options;

namespace OrleansSse.Silo.Options;

/// <summary>
/// Runs every <c>ValidateOnStart</c> check as the host begins to start, before the other hosted
/// services are built. The host builds its hosted services first and runs the checks after, so a
/// service whose constructor reads failing options would stop the start alone, hiding every other
/// section's failures. Registered as the first hosted service (<see cref="OptionsChecks"/>).
/// </summary>
internal sealed class StartupChecks : IHostedService
{
    /// <summary>Throws the options checks' failures: one <see cref="OptionsValidationException"/>, or an <see cref="AggregateException"/> of several.</summary>
    public StartupChecks(IStartupValidator validator) => validator.Validate();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
