namespace OrleansSse.Ai;

/// <summary>
/// AI streaming settings, bound from the configuration section <c>OrleansSse:Ai</c>
/// (<see cref="SectionName"/>), e.g. <c>OrleansSse__Ai__Provider=OpenAi</c>.
/// </summary>
public sealed class AiOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansSse:Ai";

    /// <summary>Which model answers. Default: <see cref="AiProvider.Simulated"/>.</summary>
    public AiProvider Provider { get; set; } = AiProvider.Simulated;

    /// <summary>
    /// Base URL of the OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or
    /// <c>http://127.0.0.1:11434/v1</c>; requests go to <c>{BaseUrl}/chat/completions</c>.
    /// Required when <see cref="Provider"/> is <see cref="AiProvider.OpenAi"/>.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name sent upstream. Required when <see cref="Provider"/> is <see cref="AiProvider.OpenAi"/>.</summary>
    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Pause between the simulated model's tokens. Default 30 ms; zero streams at once.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Longest prompt the endpoint accepts, in characters. Default 4000.</summary>
    public int MaxPromptLength { get; set; } = 4000;

    /// <summary>
    /// How many tokens are sent between checks that the client is still online; a client found
    /// offline stops its generation. At least 1; default 8.
    /// </summary>
    public int OnlineCheckEveryTokens { get; set; } = 8;

    /// <summary>
    /// How long the upstream may stay silent: until it answers with headers, and then whenever the
    /// answer waits for more of its stream (any bytes count, keep-alive comments included; time
    /// spent delivering tokens does not). Past it the upstream request is cancelled (its connection
    /// closed) and the answer ends as an upstream failure. Applies to the <see cref="AiProvider.OpenAi"/> model. Default 100 s.
    /// </summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The longest an answer may run, from its prompt to its last token, whatever model answers.
    /// Past it the answer is cancelled and ends with a final <c>done:true</c> event carrying an
    /// <c>error</c>. Positive, at most one day; default 5 minutes.
    /// </summary>
    public TimeSpan MaxAnswerDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many answers may run at once on this silo (one per client at most). A prompt for a client
    /// without a running answer is refused past it (<c>503</c> with <c>Retry-After</c>); a prompt
    /// that replaces its client's running answer is not. 0: no limit. Default 1000.
    /// </summary>
    public int MaxConcurrentAnswers { get; set; } = 1000;
}
