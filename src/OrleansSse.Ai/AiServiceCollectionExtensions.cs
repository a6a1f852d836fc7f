using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSse.Configuration;

namespace OrleansSse.Ai;

/// <summary>Registers AI streaming.</summary>
public static class AiServiceCollectionExtensions
{
    /// <summary>
    /// The service key of the <see cref="IChatClient"/> that answers prompts. Register your own
    /// keyed <see cref="IChatClient"/> under this key before <see cref="AddOrleansSseAi"/> to replace the model.
    /// </summary>
    public const string ChatClientKey = "OrleansSse.Ai";

    /// <summary>The longest <see cref="AiOptions.UpstreamTimeout"/> and <see cref="AiOptions.MaxAnswerDuration"/> accepted.</summary>
    private static readonly TimeSpan TimeLimit = TimeSpan.FromDays(1);

    /// <summary>
    /// Adds <see cref="AiStreamingService"/> (also as a hosted service, so running answers are
    /// cancelled on shutdown), <see cref="AiOptions"/> bound from <c>OrleansSse:Ai</c> (validated
    /// at start; an unknown key there or a value that does not convert is refused too, as a
    /// validation failure naming the key, so that a start reports it with every other option's
    /// failures) and the model the options select. Needs an <see cref="ISseCluster"/> in DI that may
    /// publish <c>ai_response</c>, which the public clusters refuse (a reserved name): the silo
    /// registers <see cref="AiStreamingService"/> itself with such grains before calling this.
    /// </summary>
    public static IServiceCollection AddOrleansSseAi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AiOptions>()
            .BindChecked(configuration.GetSection(AiOptions.SectionName))
            .Validate(o => o.MaxPromptLength > 0, "OrleansSse:Ai:MaxPromptLength must be positive.")
            .Validate(o => o.TokenDelay >= TimeSpan.Zero, "OrleansSse:Ai:TokenDelay must not be negative.")
            .Validate(
                o => o.UpstreamTimeout > TimeSpan.Zero && o.UpstreamTimeout <= TimeLimit,
                "OrleansSse:Ai:UpstreamTimeout must be positive and at most 1.00:00:00.")
            .Validate(
                o => o.MaxAnswerDuration > TimeSpan.Zero && o.MaxAnswerDuration <= TimeLimit,
                "OrleansSse:Ai:MaxAnswerDuration must be positive and at most 1.00:00:00.")
            .Validate(o => o.MaxConcurrentAnswers >= 0, "OrleansSse:Ai:MaxConcurrentAnswers must not be negative (0: no limit).")
            .Validate(o => o.OnlineCheckEveryTokens >= 1, "OrleansSse:Ai:OnlineCheckEveryTokens must be at least 1.")
            .Validate(
                o => o.Provider != AiProvider.OpenAi || Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _),
                "OrleansSse:Ai:BaseUrl must be an absolute URL when Provider is OpenAi.")
            .Validate(
                o => o.Provider != AiProvider.OpenAi || !string.IsNullOrWhiteSpace(o.Model),
                "OrleansSse:Ai:Model is required when Provider is OpenAi.")
            .ValidateOnStart();

        services.TryAddKeyedSingleton<IChatClient>(ChatClientKey, (sp, _) => CreateChatClient(sp.GetRequiredService<IOptions<AiOptions>>().Value));
        services.TryAddSingleton<AiStreamingService>();
        services.AddHostedService(sp => sp.GetRequiredService<AiStreamingService>());
        return services;
    }

    private static IChatClient CreateChatClient(AiOptions options)
    {
        if (options.Provider != AiProvider.OpenAi)
        {
            return new SimulatedChatClient(options.TokenDelay);
        }

        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        // The client's idle timeout bounds the wait for headers and every pause of the body after them.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new OpenAiCompatibleChatClient(http, options.BaseUrl!, options.Model!, options.ApiKey, ownsHttp: true, idleTimeout: options.UpstreamTimeout);
    }
}
