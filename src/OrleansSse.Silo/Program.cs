using Microsoft.Extensions.Options;
using OrleansSse.Silo;

// Socket completions inline too (pairs with OrleansSse:InlineSocketScheduling; read once, before
// the first socket). Set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to opt out.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

WebApplication app;
var starting = true;
try
{
    // While starting, the host's own error log ("Hosting failed to start" with the stack trace) is
    // left out: the failure is the exception StartAsync throws, told in one line below. (This rule
    // decides alone for that category, which logs nothing else above Debug but later failures.)
    app = SiloApplication.Build(args, builder => builder.Logging.AddFilter(
        "Microsoft.Extensions.Hosting.Internal.Host",
        level => level >= LogLevel.Information && !(Volatile.Read(ref starting) && level >= LogLevel.Error)));

    await app.StartAsync();
    Volatile.Write(ref starting, false);
}
catch (Exception ex) when (CannotStart(ex))
{
    // Configuration that cannot work, or an address already in use: say so and exit, no stack trace.
    IEnumerable<Exception> failures = ex is AggregateException many ? many.InnerExceptions : [ex];
    var reasons = failures.SelectMany(e => e is OptionsValidationException failed ? failed.Failures : [e.Message]);
    await Console.Error.WriteLineAsync($"OrleansSse silo cannot start: {string.Join(" ", reasons)}");
    return 1;
}

await using (app)
{
    await app.WaitForShutdownAsync();
}

return 0;

// Several settings can fail together (the options checks then throw an AggregateException).
static bool CannotStart(Exception ex) => ex is AggregateException many
    ? many.InnerExceptions.All(CannotStart)
    : ex is InvalidOperationException or OptionsValidationException or IOException or FormatException;
