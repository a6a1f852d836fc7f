using System.Globalization;

namespace OrleansSse.Cluster.Tests;

/// <summary>Processes by parent, read from <c>/proc</c> (Linux).</summary>
internal static class ProcessTree
{
    /// <summary>Every live descendant of <paramref name="root"/>: pid and command name.</summary>
    public static IReadOnlyList<(int Pid, string Name)> Descendants(int root)
    {
        var children = new Dictionary<int, List<(int, string)>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Read(pid) is not { } stat)
            {
                continue;
            }

            if (!children.TryGetValue(stat.Parent, out var list))
            {
                children[stat.Parent] = list = [];
            }

            list.Add((pid, stat.Name));
        }

        var result = new List<(int, string)>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                result.Add(child);
                pending.Enqueue(child.Item1);
            }
        }

        return result;
    }

    /// <summary>Whether <paramref name="pid"/> still runs as <paramref name="name"/> (zombies count as gone).</summary>
    public static bool IsAlive(int pid, string name) => Read(pid) is { } stat && stat.Name == name && stat.State != 'Z';

    private static (string Name, char State, int Parent)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ..." — comm may hold spaces and parentheses.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var rest = text[(close + 2)..].Split(' ');
        return (text[(open + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
    }
}
