using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansSse.LoadGen;

/// <summary>
/// One SSE subscriber on a raw socket: a hand-written HTTP/1.1 GET, chunked decoding and a
/// line parser that reads only what the benchmark needs (the <c>connected</c> event and
/// <c>data:</c> lines of the form <c>seq,timestamp,padding</c>). Every other line is ignored.
/// </summary>
internal sealed class SseConnection(int index, string clientId, LoadStats stats)
{
    private readonly byte[] _raw = new byte[8192];
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChunkedDecoder _chunks = new();
    private byte[] _line = new byte[128];
    private int _lineLength;
    private int _rawLength;
    private bool _headersDone;
    private bool _chunked;
    private long _started;

    public int Index { get; } = index;
    public string ClientId { get; } = clientId;
    public SeenSet Seen { get; } = new();
    public long Received { get; private set; }
    public long Duplicates { get; private set; }
    public long LastReceiveTimestamp { get; private set; }
    public bool IsOpen { get; private set; }
    public string? Failure { get; private set; }

    /// <summary>Targeted runs: events successfully sent to this client.</summary>
    public long Expected;

    /// <summary>Completes with true once the <c>connected</c> event arrived, false if the stream failed first.</summary>
    public Task<bool> Connected => _connected.Task;

    public async Task RunAsync(IPEndPoint endpoint, string host, CancellationToken cancel)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _started = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(endpoint, cancel);
            var request = $"GET /api/sse?client_id={Uri.EscapeDataString(ClientId)} HTTP/1.1\r\nHost: {host}\r\n" +
                          "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancel);
            IsOpen = true;
            while (true)
            {
                if (_rawLength == _raw.Length)
                {
                    throw new InvalidDataException("response head too large");
                }
                var read = await socket.ReceiveAsync(_raw.AsMemory(_rawLength), SocketFlags.None, cancel);
                if (read == 0)
                {
                    Failure ??= "closed by server";
                    break;
                }
                _rawLength += read;
                if (!Process())
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            Failure = e.Message;
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        finally
        {
            IsOpen = false;
            _connected.TrySetResult(false);
        }
    }

    private bool Process()
    {
        var pos = 0;
        if (!_headersDone)
        {
            var end = _raw.AsSpan(0, _rawLength).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return true;
            }
            var head = _raw.AsSpan(0, end);
            if (!head.StartsWith("HTTP/1.1 200"u8) && !head.StartsWith("HTTP/1.0 200"u8))
            {
                Failure = Encoding.ASCII.GetString(head[..Math.Max(0, head.IndexOf((byte)'\r'))]);
                return false;
            }
            _chunked = head.IndexOf("chunked"u8) >= 0;
            _headersDone = true;
            pos = end + 4;
        }
        var body = _raw.AsSpan(pos, _rawLength - pos);
        if (!_chunked)
        {
            Feed(body);
            _rawLength = 0;
            return true;
        }
        var consumed = _chunks.Decode(body, this, out var ended);
        var rest = body.Length - consumed;
        body[consumed..].CopyTo(_raw);
        _rawLength = rest;
        return !ended;
    }

    /// <summary>Takes decoded body bytes and splits them into lines.</summary>
    internal void Feed(ReadOnlySpan<byte> payload)
    {
        while (!payload.IsEmpty)
        {
            var newline = payload.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(payload);
                return;
            }
            if (_lineLength == 0)
            {
                OnLine(payload[..newline]);
            }
            else
            {
                Append(payload[..newline]);
                OnLine(_line.AsSpan(0, _lineLength));
                _lineLength = 0;
            }
            payload = payload[(newline + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_lineLength + part.Length > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + part.Length));
        }
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("data:"u8))
        {
            return;
        }
        var data = line[5..];
        if (!data.IsEmpty && data[0] == (byte)' ')
        {
            data = data[1..];
        }
        if (!data.IsEmpty && data[^1] == (byte)'\r')
        {
            data = data[..^1];
        }
        if (!data.IsEmpty && data[0] == (byte)'{')
        {
            if (_connected.TrySetResult(true))
            {
                stats.Connect.Record(LoadStats.ElapsedMicros(_started, Stopwatch.GetTimestamp()));
            }
            return;
        }
        var now = Stopwatch.GetTimestamp();
        var sequence = ReadNumber(ref data);
        var timestamp = ReadNumber(ref data);
        if (sequence < 0 || timestamp <= 0)
        {
            return;
        }
        stats.RecordDelivery(timestamp, now);
        Received++;
        LastReceiveTimestamp = now;
        if (!Seen.Add(sequence))
        {
            Duplicates++;
        }
    }

    private static long ReadNumber(ref ReadOnlySpan<byte> text)
    {
        long value = 0;
        var i = 0;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }
        if (i == 0 || i == text.Length || text[i] != (byte)',')
        {
            return -1;
        }
        text = text[(i + 1)..];
        return value;
    }
}
