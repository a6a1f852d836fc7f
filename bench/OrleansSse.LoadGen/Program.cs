using System.Text.Json;
using OrleansSse.LoadGen;

// Load generator for OrleansSse and the baseline; see LoadOptions.Usage.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(LoadOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}
if (args[0] == "report")
{
    Console.Write(ResultReport.Markdown(args.Skip(1)));
    return 0;
}
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
// Socket completions run inline on the socket engine threads instead of one thread-pool hop per
// receive: the instrument's per-delivery cost (on the same cores as the system under test) is
// lower, for both systems alike. Read once, before the first socket; set it to 0 to opt out.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
ThreadPool.SetMinThreads(Environment.ProcessorCount * 4, Environment.ProcessorCount * 4);
var result = await new BenchRunner(options).RunAsync();
Console.Error.WriteLine(result.ToTable());
if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(result, ResultReport.JsonOptions));
}
return result.ConnectionsHeld == 0 ? 1 : 0;
