using System.Diagnostics;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Runs the silo executable (<c>dotnet OrleansSse.Silo.dll</c>, built next to these tests) as a real
/// process in an empty working directory (no <c>silo.json</c>) and collects everything it prints.
/// </summary>
internal static class SiloExecutable
{
    /// <summary>Runs the silo until it exits (killing it past <paramref name="timeout"/>); returns its exit code and output lines.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunToExitAsync(
        IReadOnlyDictionary<string, string> environment, IEnumerable<string> args, TimeSpan timeout)
    {
        var directory = Directory.CreateTempSubdirectory("orleanssse-silo-exe-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OrleansSse.Silo.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var lines = new List<string>();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"The silo did not exit within {timeout}:\n{string.Join('\n', Snapshot())}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        process.WaitForExit(); // the redirected streams are read to their end
        return (process.ExitCode, Snapshot());

        void Add(string? line)
        {
            if (line is not null)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        }

        string[] Snapshot()
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }
}
