namespace OrleansSse.Browser.Tests;

/// <summary>
/// Where the tests save screenshots: <c>$ARTIFACTS_DIR</c> when set, else <c>artifacts/</c> next to
/// the test assembly (e.g. <c>bin/Release/net10.0/artifacts</c>). Each test prints its file's path.
/// </summary>
internal static class Artifacts
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable("ARTIFACTS_DIR");
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, "artifacts")
            : Path.GetFullPath(configured);
        Directory.CreateDirectory(root);
        return root;
    });

    /// <summary>The full path for an artifact file named <paramref name="fileName"/>.</summary>
    public static string PathFor(string fileName) => Path.Combine(Root.Value, fileName);
}
