using System.Globalization;

namespace OrleansSse.LoadGen;

/// <summary>Command-line options of one run (see <see cref="Usage"/>).</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        usage: loadgen <idle|broadcast|targeted> [options]
               loadgen report <result.json>...        markdown table of saved results

          --url URL              where the SSE connections go        (default http://127.0.0.1:5000)
          --publish-url URL      where events are published (cross-silo: another silo; default --url)
          -n, --connections N    SSE connections to open              (default 1000)
          --rate R               broadcast: publishes/s; targeted: events/s per client; 0 = flat out
          --duration S           publishing time in seconds           (default 10)
          --hold S               idle: seconds to hold before reading RSS (default 5)
          --pid P[,P]            silo process id(s) for RSS and CPU
          --workers W            concurrent publish requests          (default 16)
          --window E             flat out: max events in flight per client (default 32)
          --connect-parallel K   connections being opened at once     (default 200)
          --drain S              max seconds to wait for stragglers   (default 10)
          --label NAME           name of the system under test in the report
          --json                 print the result as JSON on stdout (progress stays on stderr)
        """;

    public string Scenario { get; private set; } = "";
    public Uri Url { get; private set; } = new("http://127.0.0.1:5000");
    public Uri? PublishUrl { get; private set; }
    public int Connections { get; private set; } = 1000;
    public double Rate { get; private set; }
    public double DurationSeconds { get; private set; } = 10;
    public double HoldSeconds { get; private set; } = 5;
    public IReadOnlyList<int> Pids { get; private set; } = [];
    public int Workers { get; private set; } = 16;
    public int Window { get; private set; } = 32;
    public int ConnectParallel { get; private set; } = 200;
    public double DrainSeconds { get; private set; } = 10;
    public string Label { get; private set; } = "";
    public bool Json { get; private set; }

    public Uri PublishTarget => PublishUrl ?? Url;

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions { Scenario = args[0] };
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": o.Url = new Uri(Next()); break;
                case "--publish-url": o.PublishUrl = new Uri(Next()); break;
                case "-n" or "--connections": o.Connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": o.DurationSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hold": o.HoldSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pid": o.Pids = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))]; break;
                case "--workers": o.Workers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--window": o.Window = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connect-parallel": o.ConnectParallel = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--drain": o.DrainSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--label": o.Label = Next(); break;
                case "--json": o.Json = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (o.Scenario is not ("idle" or "broadcast" or "targeted"))
        {
            throw new ArgumentException($"unknown scenario {o.Scenario}");
        }
        if (o.Label.Length == 0)
        {
            o.Label = o.Url.Authority;
        }
        return o;
    }
}
