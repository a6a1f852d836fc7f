using System.Text;
using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

public sealed class RedisProtocolTests
{
    private static readonly BackplaneMessage Sample =
        new(SseTarget.Group("g:1"), MessageKind.Event, 42, "abc123", "tick", "line 1\nline 2 — ✓");

    [Fact]
    public void EncodedMessageDecodesToTheSameMessage()
    {
        Assert.True(RedisProtocol.TryDecode(RedisProtocol.Encode(Sample), out var decoded));
        Assert.Equal(Sample, decoded);
    }

    [Fact]
    public void VersionOneHasTheDocumentedLayout()
    {
        var message = new BackplaneMessage(SseTarget.Client("c"), MessageKind.GroupJoined, 7, "ep", "g", "");
        Assert.Equal("1:11:11:72:ep1:11:c1:g0:", Encoding.UTF8.GetString(RedisProtocol.Encode(message)));
    }

    [Fact]
    public void FieldsAppendedByALaterVersionAreIgnored()
    {
        var later = Encoding.UTF8.GetBytes("1:2" + Encoding.UTF8.GetString(RedisProtocol.Encode(Sample))[3..] + "5:extra3:xyz");
        Assert.True(RedisProtocol.TryDecode(later, out var decoded));
        Assert.Equal(Sample, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1:1")]
    [InlineData("1:11:09:99999999")]
    [InlineData("1:11:91:72:ep1:11:c1:g0:")]
    [InlineData("1:11:11:72:ep1:91:c1:g0:")]
    public void MalformedMessagesAreRejected(string text)
    {
        Assert.False(RedisProtocol.TryDecode(Encoding.UTF8.GetBytes(text), out _));
    }
}
