using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;
using OrleansSse.Tests.Backplane;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A resume subscribes first, parks what arrives live, reads history, merges and drops duplicates
/// (README "Resume" steps 1-3): events published at every step of that — before the current
/// position is taken, just before and just after the history read, before the stream starts —
/// reach the client exactly once each, in publish order, then live ones. Run against every
/// backplane by a concrete subclass (live delivery is synchronous in memory, asynchronous on Redis).
/// </summary>
public abstract class ResumeRaceSpecification : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A backplane (one silo's) on a fresh ordering domain or key prefix.</summary>
    protected abstract Task<ISseBackplane> CreateBackplaneAsync();

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EventsPublishedWhileAResumeSubscribesReadsHistoryAndMergesArriveExactlyOnceInOrder()
    {
        var inner = await CreateBackplaneAsync();
        var client = Unique("c");
        var group = Unique("g");
        var direct = SseTarget.Client(client);
        await inner.AddToGroupAsync(group, client);
        var seen = await inner.PublishAsync(direct, "message", "seen");
        var expected = new List<(EventCursor Id, string Data)> { (await Publish(inner, SseTarget.Group(group), "missed-while-away")) };
        var backplane = new HookedBackplane(inner)
        {
            BeforeCurrent = async () => expected.Add(await Publish(inner, SseTarget.All, "before-current")),
            BeforeHistory = async () => expected.Add(await Publish(inner, direct, "before-history-read")),
            AfterHistory = async () => expected.Add(await Publish(inner, SseTarget.Group(group), "after-history-read")),
        };
        using var registry = new ConnectionRegistry(
            backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);

        var opened = await registry.OpenAsync(client, seen.Cursor, CancellationToken.None);
        expected.Add(await Publish(inner, direct, "before-start"));
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        expected.Add(await Publish(inner, SseTarget.All, "live"));

        Assert.True(opened.Recovered);
        Assert.Equal(3, backplane.HooksRun);
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        var writer = opened.Connection.RunAsync(pipe.Writer, stop.Token);
        var head = await ReadUntilAsync(pipe.Reader, new StringBuilder(), "data: live\n\n");

        // Live copies still in flight would come before a later marker (one subscriber, in position order).
        var marker = await Publish(inner, direct, "marker");
        var text = await ReadUntilAsync(pipe.Reader, new StringBuilder(head), "data: marker\n\n");
        await stop.CancelAsync();
        await writer.WaitAsync(Timeout);

        var expectedText = "first\n\n" + string.Concat(expected.Append(marker).Select(e => $"id: {e.Id}\ndata: {e.Data}\n\n"));
        Assert.Equal(expectedText, text);
        await registry.CloseAsync(opened.Connection);
    }

    private static async Task<(EventCursor Id, string Data)> Publish(ISseBackplane backplane, SseTarget target, string data) =>
        ((await backplane.PublishAsync(target, "message", data)).Cursor, data);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<string> ReadUntilAsync(PipeReader reader, StringBuilder text, string marker)
    {
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"'{marker.TrimEnd()}' not written within {Timeout}; written so far:\n{text}");
            }

            foreach (var segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
        }

        return text.ToString();
    }

    /// <summary>A backplane that publishes (through the test's steps) at each point of a resume.</summary>
    private sealed class HookedBackplane(ISseBackplane inner) : DelegatingBackplane(inner)
    {
        public Func<Task>? BeforeCurrent { get; init; }

        public Func<Task>? BeforeHistory { get; init; }

        public Func<Task>? AfterHistory { get; init; }

        public int HooksRun { get; private set; }

        public override async Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default)
        {
            await RunAsync(BeforeCurrent);
            return await base.GetCurrentAsync(cancellationToken);
        }

        public override async Task<HistoryResult> ReadHistoryAsync(
            IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default)
        {
            await RunAsync(BeforeHistory);
            var history = await base.ReadHistoryAsync(targets, after, joinedAt, cancellationToken);
            await RunAsync(AfterHistory);
            return history;
        }

        private async Task RunAsync(Func<Task>? step)
        {
            if (step is not null)
            {
                await step();
                HooksRun++;
            }
        }
    }
}
