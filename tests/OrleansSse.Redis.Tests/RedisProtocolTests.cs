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
    public void KeyedEventDecodesWithItsCoalesceKey()
    {
        var keyed = Sample with { CoalesceKey = "price:EUR-USD" };
        Assert.True(RedisProtocol.TryDecode(RedisProtocol.Encode(keyed), out var decoded));
        Assert.Equal(keyed, decoded);
    }

    [Fact]
    public void VersionTwoHasTheDocumentedLayout()
    {
        var message = new BackplaneMessage(SseTarget.Client("c"), MessageKind.GroupJoined, 7, "ep", "g", "");
        Assert.Equal("1:21:11:72:ep1:11:c1:g0:0:", Encoding.UTF8.GetString(RedisProtocol.Encode(message)));
        var keyed = new BackplaneMessage(SseTarget.All, MessageKind.Event, 8, "ep", "t", "d", "k1");
        Assert.Equal("1:21:01:82:ep1:30:1:t1:d2:k1", Encoding.UTF8.GetString(RedisProtocol.Encode(keyed)));
    }

    [Fact]
    public void VersionOneMessageWithoutTheKeyFieldDecodesWithoutAKey()
    {
        Assert.True(RedisProtocol.TryDecode("1:11:01:72:ep1:11:c4:tick3:v=1"u8, out var decoded));
        Assert.Equal(new BackplaneMessage(SseTarget.Client("c"), MessageKind.Event, 7, "ep", "tick", "v=1"), decoded);
        Assert.Null(decoded!.CoalesceKey);
    }

    [Fact]
    public void FieldsAppendedByALaterVersionAreIgnored()
    {
        var keyed = Sample with { CoalesceKey = "k" };
        var later = Encoding.UTF8.GetBytes("1:3" + Encoding.UTF8.GetString(RedisProtocol.Encode(keyed))[3..] + "5:extra3:xyz");
        Assert.True(RedisProtocol.TryDecode(later, out var decoded));
        Assert.Equal(keyed, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1:1")]
    [InlineData("1:11:09:99999999")]
    [InlineData("1:11:91:72:ep1:11:c1:g0:")]
    [InlineData("1:11:11:72:ep1:91:c1:g0:")]
    [InlineData("1:21:11:72:ep1:11:c1:g0:5:k")]
    public void MalformedMessagesAreRejected(string text)
    {
        Assert.False(RedisProtocol.TryDecode(Encoding.UTF8.GetBytes(text), out _));
    }
}
