using System.Net.ServerSentEvents;
using System.Text;
using OrleansSse.Connections;

namespace OrleansSse.Tests.Connections;

public sealed class SseEncoderTests
{
    [Fact]
    public void Encode_NamedEvent_WritesIdEventAndDataLines()
    {
        var bytes = SseEncoder.Encode("ab12-7", "news", "hello");
        Assert.Equal("id: ab12-7\nevent: news\ndata: hello\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Encode_DefaultName_OmitsTheEventLine()
    {
        var bytes = SseEncoder.Encode("ab12-8", "message", "x");
        Assert.Equal("id: ab12-8\ndata: x\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Encode_WithoutId_WritesNoIdLine()
    {
        var bytes = SseEncoder.Encode(null, "connected", "{}");
        Assert.Equal("event: connected\ndata: {}\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Encode_EveryLineBreakKind_BecomesItsOwnDataLine()
    {
        var bytes = SseEncoder.Encode("e-1", "message", "a\nb\r\nc\rd");
        Assert.Equal("id: e-1\ndata: a\ndata: b\ndata: c\ndata: d\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("a\nb\r\nc\rd", "a\nb\nc\nd")]
    [InlineData("x\n\nevent: admin\ndata: pwn", "x\n\nevent: admin\ndata: pwn")]
    [InlineData("", "")]
    [InlineData("\n", "\n")]
    [InlineData("trailing\r\n", "trailing\n")]
    [InlineData("ünïcødé ✓", "ünïcødé ✓")]
    public void Encode_RoundTripsThroughSseParser_AsOneEvent(string data, string expected)
    {
        var bytes = SseEncoder.Encode("ep-42", "update", data);

        var items = SseParser.Create(new MemoryStream(bytes)).Enumerate().ToList();

        var item = Assert.Single(items);
        Assert.Equal(("update", expected, "ep-42"), (item.EventType, item.Data, item.EventId));
    }

    [Fact]
    public void Retry_IsAFieldBlock()
    {
        Assert.Equal("retry: 3000\n\n", Encoding.ASCII.GetString(SseEncoder.Retry(3000)));
    }
}
