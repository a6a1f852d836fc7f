namespace OrleansSse.Silo.Security;

/// <summary>
/// Which web origins may call the silo from a browser (configuration section <c>OrleansSse:Cors</c>).
/// No origin listed: no CORS headers at all (same-origin only).
/// </summary>
public sealed class CorsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansSse:Cors";

    /// <summary>Origins allowed to call the silo, e.g. <c>https://app.example.com</c>; <c>*</c> means any (never with credentials).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Whether browsers may send cookies (the subscriber token cookie) cross-origin. Only with
    /// listed origins: the silo refuses to start with <c>*</c> and credentials.
    /// </summary>
    public bool AllowCredentials { get; set; }

    /// <summary>Whether any origin is configured.</summary>
    public bool Enabled => AllowedOrigins.Any(o => !string.IsNullOrWhiteSpace(o));

    /// <summary>Whether <c>*</c> is listed.</summary>
    public bool AllowsAnyOrigin => AllowedOrigins.Any(o => o.Trim() == "*");
}
