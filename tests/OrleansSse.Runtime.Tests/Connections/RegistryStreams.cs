using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>What the registry tests share: a registry on a backplane, and reading what a stream writes.</summary>
internal static class RegistryStreams
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static ConnectionRegistry NewRegistry(ISseBackplane backplane, StreamOptions? options = null) => new(
        backplane, Microsoft.Extensions.Options.Options.Create(options ?? new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);

    public static string Text(Frame frame) => Encoding.UTF8.GetString(frame.Bytes.Span);

    /// <summary>Runs the stream's writer until it has written <paramref name="marker"/>, then stops it; returns what it wrote.</summary>
    public static async Task<string> WrittenUntilAsync(SseConnection connection, string marker)
    {
        await using var written = new WrittenStream(connection);
        return await written.UntilAsync(marker);
    }

    /// <summary>Runs the stream's writer until the broker ends the stream; returns what it wrote.</summary>
    public static async Task<string> WrittenUntilEndAsync(SseConnection connection)
    {
        var pipe = new Pipe();
        var run = connection.RunAsync(pipe.Writer, CancellationToken.None);
        await run.WaitAsync(Timeout);
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    /// <summary>A stream's writer running into a pipe, read as it goes; disposing stops the writer.</summary>
    public sealed class WrittenStream : IAsyncDisposable
    {
        private readonly Pipe _pipe = new();
        private readonly CancellationTokenSource _cts = new();
        private readonly StringBuilder _text = new();
        private readonly Task _run;

        public WrittenStream(SseConnection connection) => _run = connection.RunAsync(_pipe.Writer, _cts.Token);

        /// <summary>Everything written so far, once it holds <paramref name="marker"/>.</summary>
        public async Task<string> UntilAsync(string marker)
        {
            while (!_text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                var result = await _pipe.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
                foreach (var segment in result.Buffer)
                {
                    _text.Append(Encoding.UTF8.GetString(segment.Span));
                }

                _pipe.Reader.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted, "The stream ended before writing " + marker + ": " + _text);
            }

            return _text.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            await _run.WaitAsync(Timeout);
            _cts.Dispose();
        }
    }
}
