namespace OrleansSse.Redis;

/// <summary>The Lua scripts (embedded resources under <c>Scripts/</c>), each with the shared prelude.</summary>
internal sealed class RedisScripts
{
    public static RedisScripts Instance { get; } = new();

    private RedisScripts()
    {
        var common = Load("common");
        Publish = common + Load("publish");
        GroupAdd = common + Load("group_add");
        GroupAddWithinLimit = common + Load("group_add_within_limit");
        GroupRemove = common + Load("group_remove");
        Disconnect = common + Load("disconnect");
        Current = common + Load("current");
        History = common + Load("history");
        CheckSequence = common + Load("check_sequence");
        Memberships = Load("memberships");
        Online = Load("online");
    }

    public string Publish { get; }

    public string GroupAdd { get; }

    public string GroupAddWithinLimit { get; }

    public string GroupRemove { get; }

    public string Disconnect { get; }

    public string Current { get; }

    public string History { get; }

    public string CheckSequence { get; }

    public string Memberships { get; }

    public string Online { get; }

    private static string Load(string name)
    {
        var resource = $"OrleansSse.Redis.Scripts.{name}.lua";
        using var stream = typeof(RedisScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded script {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd() + "\n";
    }
}
