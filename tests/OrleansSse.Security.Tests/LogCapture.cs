using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansSse.Security.Tests;

/// <summary>Captures every log entry of a silo (event id, level, message, exception) at <paramref name="minimum"/> and above.</summary>
internal sealed class LogCapture(LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly LogLevel _minimum = minimum;
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue((eventId, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
