using OrleansSse.Silo;

// Socket completions inline too (pairs with OrleansSse:InlineSocketScheduling; read once, before
// the first socket). Set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to opt out.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

WebApplication app;
try
{
    app = SiloApplication.Build(args);
    await app.StartAsync();
}
catch (Exception ex) when (ex is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException or IOException or FormatException)
{
    // Configuration that cannot work, or an address already in use: say so and exit, no stack trace.
    await Console.Error.WriteLineAsync($"OrleansSse silo cannot start: {ex.Message}");
    return 1;
}

await using (app)
{
    await app.WaitForShutdownAsync();
}

return 0;
