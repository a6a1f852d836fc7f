namespace OrleansSse.Redis;

/// <summary>The Lua scripts (embedded resources under <c>Scripts/</c>), each with the shared prelude.</summary>
internal sealed class RedisScripts
{
    public static RedisScripts Instance { get; } = new();

    private RedisScripts()
    {
        var common = Load("common");
        Publish = new(common + Load("publish"));
        Watermark = new(common + Load("watermark"));
        GroupAdd = new(common + Load("group_add"));
        GroupAddWithinLimit = new(common + Load("group_add_within_limit"));
        GroupRemove = new(common + Load("group_remove"));
        Disconnect = new(common + Load("disconnect"));
        Current = new(common + Load("current"));
        History = new(common + Load("history"));
        CheckSequence = new(common + Load("check_sequence"));
        Memberships = new(common + Load("memberships"));
        GroupMembers = new(common + Load("group_members"));
        ClientGroups = new(common + Load("client_groups"));
        Refresh = new(common + Load("refresh"));
        Online = new(Load("online"));
    }

    public RedisScript Publish { get; }

    public RedisScript Watermark { get; }

    public RedisScript GroupAdd { get; }

    public RedisScript GroupAddWithinLimit { get; }

    public RedisScript GroupRemove { get; }

    public RedisScript Disconnect { get; }

    public RedisScript Current { get; }

    public RedisScript History { get; }

    public RedisScript CheckSequence { get; }

    public RedisScript Memberships { get; }

    public RedisScript GroupMembers { get; }

    public RedisScript ClientGroups { get; }

    public RedisScript Refresh { get; }

    public RedisScript Online { get; }

    private static string Load(string name)
    {
        var resource = $"OrleansSse.Redis.Scripts.{name}.lua";
        using var stream = typeof(RedisScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded script {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd() + "\n";
    }
}
