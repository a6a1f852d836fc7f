namespace OrleansSse.Testing;

/// <summary>One event as a test connection parsed it (through <c>System.Net.ServerSentEvents.SseParser</c>).</summary>
/// <param name="Type">The <c>event:</c> name (<c>message</c> when absent).</param>
/// <param name="Data">The data, <c>data:</c> lines joined with <c>\n</c>.</param>
/// <param name="Id">The <c>id:</c> of this event, or null when it had none.</param>
public sealed record SseTestEvent(string Type, string Data, string? Id)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Type}#{Id ?? "-"}: {(Data.Length > 80 ? string.Concat(Data.AsSpan(0, 80), "…") : Data)}";
}
