namespace OrleansSse.Browser.Tests;

/// <summary>One row of the console's event log: the event name, its id (empty for <c>connected</c>) and its data.</summary>
internal sealed record LogRow(string Event, string Id, string Data);
