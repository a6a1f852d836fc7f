using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSse.Ai;

/// <summary>
/// Streams AI answers to clients: each token goes to the client grain as an <c>ai_response</c>
/// event <c>{"content":"…","done":false}</c>, and a completed answer ends with
/// <c>{"content":"","done":true}</c>. It never touches connections, only <see cref="ISseCluster"/>,
/// so the answer reaches the client on whichever silo holds its stream (and waits in retention
/// across a reconnect).
/// <para>How an answer ends:</para>
/// <list type="bullet">
/// <item>completed: a final <c>done:true</c> event;</item>
/// <item>the model failed (upstream error, unreachable, bad stream): a final
/// <c>{"content":"","done":true,"error":"…"}</c>;</item>
/// <item>the server stopped: a best-effort final <c>done:true</c> event with an <c>error</c>;</item>
/// <item>it ran longer than <see cref="AiOptions.MaxAnswerDuration"/>: cancelled, with a final
/// <c>done:true</c> event with an <c>error</c>, as a model failure;</item>
/// <item>a newer prompt for the same client replaced it: no final event — the newer answer's
/// events follow directly, and every event of the old answer is sent before the first of the new;</item>
/// <item>the client went offline (checked every <see cref="AiOptions.OnlineCheckEveryTokens"/>
/// tokens): no final event, nobody is listening.</item>
/// </list>
/// At most <see cref="AiOptions.MaxConcurrentAnswers"/> answers run at once; past it a prompt for a
/// client without a running answer is refused (<see cref="AiCapacityExceededException"/>).
/// Limits: answers live in this process only (a silo that dies loses its running answers); one
/// prompt per client at a time; the prompt is a single user message without history. The
/// <see cref="ISseCluster"/> must accept <c>ai_response</c> events, a reserved name (<see cref="SseNames.ReservedEvents"/>)
/// that the public clusters (<c>SseCluster</c>, <c>RedisSseCluster</c>, <c>HttpSseCluster</c>) refuse so that
/// nobody can forge one: the silo gives the service grains that may publish that name alone. Over
/// any other cluster every answer fails (logged as a failed answer).
/// </summary>
public sealed class AiStreamingService : IHostedService, IAsyncDisposable
{
    /// <summary>The event name answers are sent under: <c>ai_response</c>, one of <see cref="SseNames.ReservedEvents"/>.</summary>
    public const string EventName = "ai_response";

    private static readonly TimeSpan ShutdownNoticeTimeout = TimeSpan.FromSeconds(2);

    private readonly ISseCluster _cluster;
    private readonly IChatClient _chat;
    private readonly AiOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, AiGeneration> _running = new(StringComparer.Ordinal);
    private readonly AiAnswerSlots _slots;
    private readonly CancellationTokenSource _shutdown = new();
    private int _stopped;

    /// <summary>Creates the service.</summary>
    public AiStreamingService(
        ISseCluster cluster,
        [FromKeyedServices(AiServiceCollectionExtensions.ChatClientKey)] IChatClient chatClient,
        IOptions<AiOptions> options,
        ILogger<AiStreamingService> logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _cluster = cluster;
        _chat = chatClient;
        _options = options.Value;
        _logger = logger;
        _slots = new AiAnswerSlots(_options.MaxConcurrentAnswers);
    }

    /// <summary>How many answers are being generated right now (one per client; a replaced answer that is still stopping is not counted).</summary>
    public int RunningCount => _slots.Taken;

    /// <summary>Prompts refused since start because <see cref="AiOptions.MaxConcurrentAnswers"/> answers were running.</summary>
    public long RefusedCount => _slots.Refused;

    /// <summary>
    /// Starts answering <paramref name="prompt"/> for <paramref name="clientId"/> in the background.
    /// A running answer for the same client is cancelled first; the returned task completes once
    /// that older answer has stopped sending (at once when there was none), not when the new
    /// answer is done.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid client id or empty prompt.</exception>
    /// <exception cref="AiCapacityExceededException">
    /// <see cref="AiOptions.MaxConcurrentAnswers"/> answers are running and <paramref name="clientId"/>
    /// has none to replace; nothing was started.
    /// </exception>
    /// <exception cref="InvalidOperationException">The service is stopping.</exception>
    public async Task StartAsync(string clientId, string prompt, CancellationToken cancellationToken = default)
    {
        SseNames.ThrowIfInvalidKey(clientId, nameof(clientId));
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        if (Volatile.Read(ref _stopped) != 0)
        {
            throw new InvalidOperationException("AI streaming is stopping; no new answers are started.");
        }

        var generation = new AiGeneration(clientId, prompt, _shutdown.Token, _options.MaxAnswerDuration);
        if (!TryRegister(generation, out var previous))
        {
            generation.Dispose();
            AiLog.Refused(_logger, clientId, _slots.Limit);
            throw new AiCapacityExceededException(_slots.Limit);
        }

        if (previous is not null)
        {
            previous.Supersede();
            AiLog.Superseded(_logger, clientId);
        }

        _ = Task.Run(() => RunAsync(generation, previous), CancellationToken.None);
        if (previous is not null)
        {
            await previous.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels every running answer (each ends with a best-effort error event) and waits for them to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }

        var running = _running.Values.Select(g => g.Completion).ToArray();
        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        AiLog.ModelSelected(_logger, _options.Provider, _options.Provider == AiProvider.OpenAi ? _options.Model ?? "" : SimulatedChatClient.ModelId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>Completes once the answer running for <paramref name="clientId"/>, if any, has ended and given back its slot.</summary>
    internal Task WhenAnswerEnded(string clientId) =>
        _running.TryGetValue(clientId, out var generation) ? generation.Completion : Task.CompletedTask;

    /// <summary>
    /// Makes <paramref name="generation"/> its client's running answer. It replaces a running one
    /// (<paramref name="previous"/>), inheriting its slot, or takes a free slot; false when none is free.
    /// </summary>
    private bool TryRegister(AiGeneration generation, out AiGeneration? previous)
    {
        var slotTaken = false;
        while (true)
        {
            if (_running.TryGetValue(generation.ClientId, out var current))
            {
                if (_running.TryUpdate(generation.ClientId, generation, current))
                {
                    if (slotTaken)
                    {
                        _slots.Release(); // another prompt for this client registered first: share its slot
                    }

                    previous = current;
                    return true;
                }
            }
            else
            {
                if (!slotTaken)
                {
                    if (!_slots.TryTake())
                    {
                        previous = null;
                        return false;
                    }

                    slotTaken = true;
                }

                if (_running.TryAdd(generation.ClientId, generation))
                {
                    previous = null;
                    return true;
                }
            }
        }
    }

    private async Task RunAsync(AiGeneration generation, AiGeneration? previous)
    {
        var clientId = generation.ClientId;
        var client = _cluster.GetClient(clientId);
        var token = generation.Token;
        var tokens = 0;
        try
        {
            if (previous is not null)
            {
                await previous.Completion.ConfigureAwait(false);
            }

            token.ThrowIfCancellationRequested();
            AiLog.Started(_logger, clientId, generation.Prompt.Length);
            var checkEvery = Math.Max(1, _options.OnlineCheckEveryTokens);
            ChatMessage[] messages = [new(ChatRole.User, generation.Prompt)];
            await foreach (var update in _chat.GetStreamingResponseAsync(messages, null, token).ConfigureAwait(false))
            {
                var text = update.Text;
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                await client.SendAsync(AiResponsePayload.Token(text), token).ConfigureAwait(false);
                tokens++;
                if (tokens % checkEvery == 0 && !(await client.GetInfoAsync(token).ConfigureAwait(false)).Online)
                {
                    AiLog.ClientOffline(_logger, clientId, tokens);
                    return;
                }
            }

            await client.SendAsync(AiResponsePayload.Done(), token).ConfigureAwait(false);
            AiLog.Completed(_logger, clientId, tokens);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            if (generation.Superseded)
            {
                return;
            }

            if (generation.TimedOut && !_shutdown.IsCancellationRequested)
            {
                AiLog.TooLong(_logger, clientId, tokens, _options.MaxAnswerDuration);
                await TrySendFinalAsync(client, $"The answer took longer than the allowed {Describe(_options.MaxAnswerDuration)}.").ConfigureAwait(false);
                return;
            }

            AiLog.CancelledByShutdown(_logger, clientId);
            await TrySendFinalAsync(client, "The server stopped before the answer was complete.").ConfigureAwait(false);
        }
        catch (BackplaneUnavailableException ex)
        {
            AiLog.BackplaneUnavailable(_logger, clientId, ex);
        }
        catch (Exception ex)
        {
            AiLog.Failed(_logger, clientId, (ex as AiUpstreamException)?.ResponseBody ?? "", ex);
            await TrySendFinalAsync(client, DescribeFailure(ex)).ConfigureAwait(false);
        }
        finally
        {
            if (_running.TryRemove(KeyValuePair.Create(clientId, generation)))
            {
                _slots.Release(); // not replaced: the slot is this answer's
            }

            generation.Complete();
            generation.Dispose();
        }
    }

    private async Task TrySendFinalAsync(IClientGrain client, string error)
    {
        using var timeout = new CancellationTokenSource(ShutdownNoticeTimeout);
        try
        {
            await client.SendAsync(AiResponsePayload.Failed(error), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Best effort, on a background task nobody awaits: whatever the reason (backplane down,
            // timed out, a cluster that refuses ai_response), it is logged, never left unobserved.
            AiLog.FinalEventFailed(_logger, client.ClientId, ex);
        }
    }

    private static string Describe(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string DescribeFailure(Exception ex) => ex switch
    {
        AiUpstreamException => ex.Message,
        HttpRequestException => "The AI endpoint could not be reached.",
        TaskCanceledException or TimeoutException => "The AI endpoint did not answer in time.",
        _ => "The answer could not be generated.",
    };
}
