namespace OrleansSse.Tests.Connections;

public sealed class EventCursorTests
{
    [Fact]
    public void ToString_ThenTryParse_RoundTrips()
    {
        var cursor = new EventCursor("k3j2h1x9", 123456789012);
        Assert.Equal("k3j2h1x9-123456789012", cursor.ToString());
        Assert.True(EventCursor.TryParse(cursor.ToString(), out var parsed));
        Assert.Equal(cursor, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nodash")]
    [InlineData("-5")]
    [InlineData("abc-")]
    [InlineData("abc-12x")]
    [InlineData("a b-12")]
    [InlineData("abc-+12")]
    [InlineData("abc-99999999999999999999")]
    [InlineData("é-1")]
    public void TryParse_Garbage_IsRejected(string? text)
    {
        Assert.False(EventCursor.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_OverLongText_IsRejected()
    {
        Assert.False(EventCursor.TryParse(new string('a', 60) + "-12345", out _));
    }
}
