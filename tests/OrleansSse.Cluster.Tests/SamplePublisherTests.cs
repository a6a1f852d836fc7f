using System.Diagnostics;
using System.Text;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// The runnable sample the README points to (<c>samples/OrleansSse.Sample.Publisher</c>) run as its
/// own process against a real silo over HTTP, as samples/README.md shows: it prints its mode and
/// the three ids, exits 0, and the client's stream receives those three events with those ids.
/// </summary>
public sealed class SamplePublisherTests
{
    [Fact]
    public async Task TheSamplePublisherSendsToAClientAGroupAndEveryoneThroughASilosHttpApi()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var clientId = Wait.Unique("demo-client");
        var group = Wait.Unique("demo-group");
        await using var stream = await cluster.ConnectAsync(0, clientId);

        var (exitCode, output) = await RunSampleAsync(
            $"--OrleansSseClient:BaseAddress={cluster.Silos[0].BaseAddress}", $"--Sample:ClientId={clientId}", $"--Sample:Group={group}");

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("mode: http", lines);
        var events = await stream.CollectAsync(3, Wait.Timeout);
        Assert.Equal(
            [("note", $"hello {clientId}"), ("note", $"hello {group}"), ("news", "hello everyone")],
            events.Select(e => (e.Type, e.Data)));
        Assert.Contains($"client {clientId}: id={events[0].Id} online=True", lines);
        Assert.Contains($"group {group}: id={events[1].Id} members=[{clientId}]", lines);
        Assert.Contains($"everyone: id={events[2].Id}", lines);
    }

    private static async Task<(int ExitCode, string Output)> RunSampleAsync(params string[] args)
    {
        var dll = Path.Combine(Repo.Root, "samples", "OrleansSse.Sample.Publisher", "bin", Repo.Configuration, "net10.0", "OrleansSse.Sample.Publisher.dll");
        Assert.True(File.Exists(dll), $"the sample is not built at {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Wait.Timeout * 2);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample did not exit within {Wait.Timeout * 2}:\n{output}");
        }

        process.WaitForExit(); // the output handlers have run
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
