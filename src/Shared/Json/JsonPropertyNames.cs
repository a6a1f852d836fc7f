using System.Text.Json;

namespace OrleansSse.Json;

/// <summary>How a refused body names a property it does not know (the silo's publish endpoints and the AI endpoint alike).</summary>
internal static class JsonPropertyNames
{
    /// <summary>
    /// The name as given, quoted and cut to <see cref="SseNames.MaxKeyLength"/> characters (it comes
    /// back in a JSON string, so it is escaped there).
    /// </summary>
    public static string Describe(JsonProperty property)
    {
        string name;
        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            return "(a name that is not valid Unicode)";
        }

        if (name.Length <= SseNames.MaxKeyLength)
        {
            return $"'{name}'";
        }

        var cut = char.IsHighSurrogate(name[SseNames.MaxKeyLength - 1]) ? SseNames.MaxKeyLength - 1 : SseNames.MaxKeyLength;
        return $"'{name[..cut]}…' ({name.Length} characters)";
    }
}
