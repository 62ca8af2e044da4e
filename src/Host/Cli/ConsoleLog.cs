using Microsoft.Extensions.Logging;

namespace NormLab.Host.Cli;

/// <summary>
/// Log lines on the console (stderr: stdout carries what a verb prints). Quiet by default — only warnings and errors,
/// as <c>warning: …</c> / <c>error: …</c> lines beside the run's own output; with <c>-v</c> (<see cref="Verbose"/>)
/// every information line too, with time, level and the logging class. The full log is on disk either way
/// (<see cref="NormLab.Host.Running.LogFiles"/>).
/// </summary>
public sealed class ConsoleLog(TextWriter error) : ILoggerProvider
{
    /// <summary>Set once from the command line (<c>-v</c> / <c>--verbose</c>) before a verb runs.</summary>
    public static bool Verbose { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(error, categoryName);

    public void Dispose() { }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "crit",
    };

    private sealed class Logger(TextWriter error, string category) : ILogger
    {
        private readonly string _shortCategory = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= (Verbose ? LogLevel.Information : LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            var line = Verbose
                ? $"{DateTime.Now:HH:mm:ss} {LevelName(logLevel),-5} {_shortCategory}: {message}"
                : $"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {message}";
            lock (error)
            {
                error.WriteLine(line);
                // The stack trace of an unexpected failure only with -v; the full log on disk has it always.
                if (exception is not null && Verbose) error.WriteLine(exception);
            }
        }
    }
}
