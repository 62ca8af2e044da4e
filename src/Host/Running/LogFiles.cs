using System.Globalization;
using Microsoft.Extensions.Logging;
using NormLab.Engine.Training;
using NormLab.Host.Results;

namespace NormLab.Host.Running;

/// <summary>
/// The full log of <c>./normlab run</c>, on disk whatever the console shows: every log line (debug and up) and each
/// run's progress go to <c>normlab.log</c> in the run's folder while that run trains, and every line of the invocation
/// to <c>normlab.log</c> in the results folder. Each file is written under a temporary name and renamed when it is
/// complete (the run's before its summary.json), like every other result file.
/// </summary>
public sealed class LogFiles : ILoggerProvider
{
    public const string FileName = "normlab.log";

    private readonly object _gate = new();
    private LogFile? _invocation;
    private LogFile? _run;
    // Lines logged before the invocation's log opens (planning, datasets, the checks before training): nothing is
    // written to a results folder until every check has passed, so they wait here and open the file.
    private readonly List<string> _early = [];
    private const int EarlyLimit = 10_000;

    /// <summary>Starts the invocation's log in <paramref name="outDir"/>; closed by <see cref="Dispose"/> (or the returned handle).</summary>
    public IDisposable OpenInvocation(string outDir)
    {
        lock (_gate)
        {
            _invocation?.Dispose();
            _invocation = new LogFile(Path.Combine(outDir, FileName));
            foreach (var line in _early) _invocation.WriteLine(line);
            _early.Clear();
            return new Closer(this, _invocation);
        }
    }

    /// <summary>Starts a run's log in its folder; every line until the handle is disposed goes there too.</summary>
    public IDisposable OpenRun(string runDir)
    {
        lock (_gate)
        {
            _run?.Dispose();
            _run = new LogFile(Path.Combine(runDir, FileName));
            return new Closer(this, _run);
        }
    }

    /// <summary>Writes a progress ticker's lines into the logs as well: start, one line every <paramref name="every"/>, the outcome.</summary>
    public IRunTicker Tee(IRunTicker inner, string label, long totalSteps, TimeSpan every)
    {
        Write("info", "run", $"{label}: start, {totalSteps} steps");
        return new TeeTicker(this, inner, label, every);
    }

    public void Write(string level, string category, string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level,-5} {category}: {message}");
        lock (_gate)
        {
            if (_invocation is null && _early.Count < EarlyLimit) _early.Add(line);
            _invocation?.WriteLine(line);
            _run?.WriteLine(line);
        }
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _run?.Dispose();
            _run = null;
            _invocation?.Dispose();
            _invocation = null;
        }
    }

    private void Close(LogFile file)
    {
        lock (_gate)
        {
            file.Dispose();
            if (ReferenceEquals(_run, file)) _run = null;
            if (ReferenceEquals(_invocation, file)) _invocation = null;
        }
    }

    private sealed class Closer(LogFiles owner, LogFile file) : IDisposable
    {
        public void Dispose() => owner.Close(file);
    }

    /// <summary>A log under its temporary name until disposed, then renamed to its final name.</summary>
    private sealed class LogFile : IDisposable
    {
        private readonly string _path;
        private readonly string _temp;
        private StreamWriter? _writer;

        public LogFile(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _path = path;
            _temp = AtomicFile.TempPathFor(path);
            _writer = new StreamWriter(_temp, append: false) { AutoFlush = true };
        }

        public void WriteLine(string line) => _writer?.WriteLine(line);

        public void Dispose()
        {
            if (_writer is null) return;
            _writer.Dispose();
            _writer = null;
            File.Move(_temp, _path, overwrite: true);
        }
    }

    private sealed class FileLogger(LogFiles owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception);
            owner.Write(Cli.ConsoleLog.LevelName(logLevel), category, message);
        }
    }

    private sealed class TeeTicker(LogFiles owner, IRunTicker inner, string label, TimeSpan every) : IRunTicker
    {
        private double _lastWritten = double.NegativeInfinity;

        public void Update(TrainingProgress p)
        {
            inner.Update(p);
            if (p.ElapsedSeconds - _lastWritten < every.TotalSeconds) return;
            _lastWritten = p.ElapsedSeconds;
            owner.Write("info", "run", string.Create(CultureInfo.InvariantCulture,
                $"{label}: step {p.Step}/{p.TotalSteps} epoch {p.Epoch:0.00} loss {p.Loss:0.0000} acc {p.Accuracy:0.000} {p.ImagesPerSecond:0} img/s"));
        }

        public void Finish(string outcome)
        {
            inner.Finish(outcome);
            owner.Write("info", "run", $"{label}: {outcome}");
        }
    }
}
