using System.Reflection;

namespace OrleansSse.Cluster.Tests;

/// <summary>Paths in the source tree these tests were built from.</summary>
internal static class Repo
{
    /// <summary>The directory holding <c>OrleansSse.sln</c>, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test assembly (Debug or Release).</summary>
    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    /// <summary>The silo built in the same configuration as the tests (they reference it, so it is built first).</summary>
    public static string SiloDll
    {
        get
        {
            var path = Path.Combine(Root, "src", "OrleansSse.Silo", "bin", Configuration, "net10.0", "OrleansSse.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The silo is not built at {path}.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSse.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No OrleansSse.sln above {AppContext.BaseDirectory}.");
    }
}
