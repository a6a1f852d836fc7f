using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

// Watermarks: a position taken for no event, published live to everyone after every earlier
// message, in no history, and recorded like an event's so that a cursor at one is judged young.
public abstract partial class BackplaneSpecification
{
    [Fact]
    public async Task WatermarkReachesEveryoneAfterEveryEarlierMessageAndIsInNoHistory()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var sink = await FollowAsync(silos[1], client, group, SseTarget.All);
        var before = await silos[0].GetCurrentAsync();
        await silos[0].PublishAsync(client, "message", "direct");
        await silos[1].PublishAsync(group, "message", "group");

        var watermark = await silos[0].PublishWatermarkAsync();

        var messages = await sink.TakeAsync(3);
        Assert.Equal(["direct", "group"], messages.Take(2).Select(m => m.Data));
        Assert.Equal((SseTarget.All, MessageKind.Watermark, watermark), (messages[2].Target, messages[2].Kind, messages[2].Cursor));
        Assert.True(watermark.Position > messages[1].Position);
        var history = await silos[1].ReadHistoryAsync([client, group, SseTarget.All], before);
        Assert.True(history.Recovered);
        Assert.Equal(["direct", "group"], history.Events.Select(e => e.Data));
        Assert.True((await silos[1].ReadHistoryAsync([client, group, SseTarget.All], watermark)).Recovered);
    }

    [Fact]
    public async Task CursorAtAWatermarkIsJudgedByTheWatermarksAge()
    {
        // Lifetime 1 h, refreshes every 15 min: cursors older than 30 min are judged old. A client
        // that received its last event 50 minutes ago but was given a watermark 10 minutes ago is not.
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MembershipLifetime = Lifetime }, clock);
        var client = SseTarget.Client(Unique("idle"));
        var lastEvent = (await silos[0].PublishAsync(client, "message", "last event")).Cursor;
        clock.Advance(TimeSpan.FromMinutes(40));
        var watermark = await silos[1].PublishWatermarkAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        await silos[0].PublishAsync(SseTarget.All, "message", "later");

        var fromWatermark = await silos[1].ReadHistoryAsync([client, SseTarget.All], watermark);
        var fromLastEvent = await silos[1].ReadHistoryAsync([client, SseTarget.All], lastEvent);

        Assert.Equal(TimeSpan.FromMinutes(30), silos[0].CursorHorizon);
        Assert.True(fromWatermark.Recovered);
        Assert.Equal(["later"], fromWatermark.Events.Select(e => e.Data));
        Assert.False(fromLastEvent.Recovered);
    }
}
