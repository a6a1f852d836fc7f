using OrleansSse.Silo;

// Socket completions inline too (pairs with OrleansSse:InlineSocketScheduling; read once, before
// the first socket). Set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to opt out.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

await SiloApplication.Build(args).RunAsync();
